/**
 * The principal contradiction in a real browser against the demo: a member marks an issue
 * important on the issue's page and takes the mark back, an organiser marks on an issue's page
 * which issues must wait for it and takes that back, and the ranking on the principal page
 * follows each time. The principal page is read as a person reads it: reasons in sentences, no
 * formula, no id. Every page is checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pathOf, routeTable } from '../src/contract/route-table.js';
import { audit, auditLog, describeViolations, type AuditLog } from './_util/audit.js';
import { DESKTOP, launchChromium, PHONE } from './_util/browser.js';
import { text } from './_util/catalogue.js';
import { ensurePagesBuilt, startDemoServer, type DemoServer } from './_util/server.js';
import { IssuePage } from './pages/issue-page.js';
import { IssuesPage } from './pages/issues-page.js';
import { JoinPage } from './pages/join-page.js';
import { LoginPage } from './pages/login-page.js';
import { OrganiseIssuePage } from './pages/organise-issue-page.js';
import { PrincipalPage } from './pages/principal-page.js';

/** How many members a ranked issue's reasons say marked it important. */
function markedImportant(reasons: readonly string[]): number {
  if (reasons.includes('No member has marked it important yet')) return 0;
  const said = reasons.map((r) => /^Marked important by (\d[\d,]*) of /.exec(r)?.[1]).find((n) => n !== undefined);
  if (said === undefined) throw new Error(`no reason tells how many marked it: ${reasons.join(' | ')}`);
  return Number(said.replace(/,/g, ''));
}

/** How many open issues a ranked issue's reasons say it blocks. */
function blocksCount(reasons: readonly string[]): number {
  const said = reasons.map((r) => /^Blocks (\d+) open issues?: /.exec(r)?.[1]).find((n) => n !== undefined);
  return said === undefined ? 0 : Number(said);
}

describe('the principal contradiction in the browser', () => {
  let demo: DemoServer;
  let browser: Browser;
  let member: BrowserContext;
  let organiser: BrowserContext;
  let m: Page;
  let o: Page;
  const log: AuditLog = auditLog();
  let orgId = '';
  /** A route's URL on the demo server. */
  const url = (path: string) => `${demo.url}${path}`;
  /** Open issues by title, and the ids a page must never show. */
  const issueIds = new Map<string, string>();
  const ids = new Set<string>();

  async function check(page: Page, name: string) {
    const bad = await audit(log, page, name);
    expect(bad, `axe on ${name}:\n${describeViolations(bad)}`).toEqual([]);
  }

  async function principal(): Promise<{ title: string; reasons: string[] }[]> {
    await o.goto(`${demo.url}/organise/principal`);
    const page = new PrincipalPage(o);
    await page.waitUntilShown();
    return page.items();
  }

  beforeAll(async () => {
    ensurePagesBuilt();
    [demo, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    member = await browser.newContext({ viewport: PHONE, locale: 'en-GB', bypassCSP: true });
    organiser = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', bypassCSP: true });
    m = await member.newPage();
    o = await organiser.newPage();
    for (const p of [m, o]) p.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    for (const p of log.pages) if (p.violations.length) console.log(`  ${p.name}: ${p.violations.map((v) => `${v.impact} ${v.id}`).join(', ')}`);
  });

  it('a member joins and an organiser logs in', async () => {
    await m.goto(demo.url + demo.invitePath);
    await new JoinPage(m).join('Rosa', 'dispatcher');
    await new IssuesPage(m).waitUntilShown();
    await o.goto(`${demo.url}/login`);
    await new LoginPage(o).logIn(demo.organiser.organisation, demo.organiser.email, demo.organiser.password);
    await o.getByRole('link', { name: text('organiseNav.principal'), exact: true }).waitFor();
    orgId = ((await (await organiser.request.get(url(pathOf(routeTable.me, {})))).json()) as { organisation: { id: string } }).organisation.id;
    const list = (await (await organiser.request.get(url(pathOf(routeTable.issues, { orgId })))).json()) as {
      issues: { id: string; title: string; status: string }[];
    };
    for (const issue of list.issues) {
      ids.add(issue.id);
      if (issue.status === 'open') issueIds.set(issue.title, issue.id);
      const detail = (await (await organiser.request.get(url(pathOf(routeTable.issue, { orgId, issueId: issue.id })))).json()) as {
        statements: { id: string }[];
      };
      for (const s of detail.statements) ids.add(s.id);
    }
    expect(issueIds.size).toBeGreaterThanOrEqual(3);
  });

  it('the principal page gives each open issue its reasons in sentences, with no formula and no id', async () => {
    const ranking = await principal();
    expect(ranking.map((r) => r.title).sort()).toEqual([...issueIds.keys()].sort());
    for (const r of ranking) {
      expect(r.reasons.length).toBeGreaterThanOrEqual(2);
      for (const reason of r.reasons) expect(reason).toMatch(/^[A-Z0-9]/);
    }
    // Blocking first: no issue ranks above one that blocks more.
    const blocks = ranking.map((r) => blocksCount(r.reasons));
    expect(blocks).toEqual([...blocks].sort((a, b) => b - a));
    const said = await new PrincipalPage(o).text();
    const formula = /[Π∏√=^]|\bscore\b|\d\.\d/.exec(said);
    expect(formula && said.slice(Math.max(0, formula.index - 80), formula.index + 80), 'a formula on the page').toBeNull();
    for (const id of ids) expect(said, `the page shows the id ${id}`).not.toContain(id);
    await check(o, 'principal');
  });

  it('a member marks an issue important on its page, takes the mark back, and the reasons follow', async () => {
    const before = await principal();
    const last = before.at(-1) as { title: string; reasons: string[] };
    const count = markedImportant(last.reasons);
    await m.goto(`${demo.url}/issues/${issueIds.get(last.title)}`);
    const issue = new IssuePage(m);
    await issue.waitUntilShown();
    await issue.setImportant(true);
    await check(m, 'issue-marked-important');
    expect(markedImportant((await principal()).find((r) => r.title === last.title)?.reasons ?? [])).toBe(count + 1);
    await issue.setImportant(false);
    const after = await principal();
    expect(markedImportant(after.find((r) => r.title === last.title)?.reasons ?? [])).toBe(count);
    expect(after).toEqual(before);
  });

  it('an embrace rate is judged on the organiser’s issue page only once enough members are heard', async () => {
    const n = (x: number) => x.toLocaleString('en-GB');
    let shown = 0;
    for (const [title, issueId] of issueIds) {
      const history = (await (await organiser.request.get(url(pathOf(routeTable.line, { orgId, issueId })))).json()) as {
        versions: { id: string; number: number; status: string }[];
      };
      const published = history.versions.filter((v) => v.status === 'published').sort((a, b) => b.number - a.number)[0];
      if (!published) continue;
      const embrace = (await (await organiser.request.get(url(pathOf(routeTable.embrace, { orgId, versionId: published.id })))).json()) as {
        overall: { embraced: number; responders: number; needed: number; rate: number | null; status: string };
      };
      await o.goto(`${demo.url}/organise/issues/${issueId}`);
      const page = new OrganiseIssuePage(o);
      await page.waitUntilShown();
      const section = o.locator('section[aria-labelledby="embrace-heading"]');
      await section.waitFor();
      const { overall } = embrace;
      const expected =
        overall.status === 'not-yet-heard'
          ? text('embrace.overallNotYetHeard', { count: n(overall.responders), needed: n(overall.needed) })
          : text('embrace.overall', { rate: `${Math.round((overall.rate ?? 0) * 100)}%`, embraced: n(overall.embraced), count: n(overall.responders) });
      expect(await section.locator('p').first().innerText(), title).toBe(expected);
      if (overall.status === 'not-yet-heard') expect(await section.locator('h2 .badge').innerText()).toBe(text('embrace.notYetHeardBadge'));
      if (shown === 0) await check(o, 'organise-issue-embrace');
      shown += 1;
    }
    expect(shown, 'an issue of the demo shows its embrace figures').toBeGreaterThan(0);
  });

  it('an organiser marks which issues must wait for one, and it comes first, whatever its popularity; taking the marks back restores the ranking', async () => {
    const before = await principal();
    // An issue below the first that nothing blocks: once it blocks every other open issue, nothing else can block as many.
    const chosen = before.slice(1).find((r) => !r.reasons.some((x) => x.startsWith('Waits on ')));
    if (!chosen) throw new Error(`every issue below the first waits on another: ${JSON.stringify(before)}`);
    const others = before.filter((r) => r.title !== chosen.title).map((r) => r.title);
    const already = new Set(
      (chosen.reasons.find((r) => r.startsWith('Blocks ')) ?? '')
        .replace(/^Blocks \d+ open issues?: /, '')
        .split(', ')
        .filter(Boolean),
    );

    await o.goto(`${demo.url}/organise/issues/${issueIds.get(chosen.title)}`);
    const page = new OrganiseIssuePage(o);
    await page.waitUntilShown();
    const marked = others.filter((t) => !already.has(t));
    for (const title of marked) await page.markBlocks(title);
    await check(o, 'organise-issue-blocking');

    const blocked = await principal();
    expect(blocked[0]?.title).toBe(chosen.title);
    expect(blocked[0]?.reasons[0]).toBe(
      `Blocks ${others.length} open issue${others.length === 1 ? '' : 's'}: ${[...others].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(', ')}`,
    );
    for (const title of others) {
      const waits = blocked.find((r) => r.title === title)?.reasons.find((r) => r.startsWith('Waits on '));
      if (marked.includes(title)) expect(waits).toContain(chosen.title);
    }
    await check(o, 'principal-after-blocking');

    await o.goto(`${demo.url}/organise/issues/${issueIds.get(chosen.title)}`);
    await page.waitUntilShown();
    for (const title of marked) await page.unmarkBlocks(title);
    expect(await principal()).toEqual(before);
  });
});
