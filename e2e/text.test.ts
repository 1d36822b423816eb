/**
 * Concentrating free text in a real browser against the demo (its own server, so merging a
 * statement changes nothing the main walk relies on): a member writing sees, as they type, the
 * statements like theirs, announced in a live region, and votes on one by keyboard instead; an
 * organiser reads the themes of the demo conversation (Chinese) and of "Night-shift pay", each with
 * its group votes and citing claims, and merges a duplicate. Every page is checked with axe-core
 * and photographed at phone and desktop width (to .tmp/screenshots-text/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pathOf, routeTable } from '../src/contract/route-table.js';
import { audit, describeViolations, type AuditLog } from './_util/audit.js';
import { DESKTOP, launchChromium, PHONE } from './_util/browser.js';
import { text } from './_util/catalogue.js';
import { ensurePagesBuilt, startDemoServer, type DemoServer } from './_util/server.js';
import { repoRoot } from '../test/_util/server-process.js';
import { IssuesPage } from './pages/issues-page.js';
import { JoinPage } from './pages/join-page.js';
import { LoginPage } from './pages/login-page.js';
import { OrganiseIssuePage } from './pages/organise-issue-page.js';
import { OrganiseIssuesPage } from './pages/organise-issues-page.js';
import { SimilarSuggestions } from './pages/similar-suggestions.js';
import { ThemesPage } from './pages/themes-page.js';

const PAY = 'Night-shift pay';
const DEMO_ISSUE = /UberX/;
const TYPED = 'The premium should be paid for every hour of the night';
const ALREADY_THERE = 'The night premium must be paid on every hour, not only after midnight';
const DUPLICATE = 'Depot 1: management accepted the premium in the first meeting';

interface IssueJson {
  id: string;
  title: string;
}

describe('concentrating free text in the browser', () => {
  let demo: DemoServer;
  let browser: Browser;
  let member: BrowserContext;
  let organiser: BrowserContext;
  let m: Page;
  let o: Page;
  let orgId = '';
  let issues: IssueJson[] = [];
  // A log of its own: the main walk clears .tmp/screenshots when it starts.
  const dir = path.join(repoRoot, '.tmp', 'screenshots-text');
  const log: AuditLog = { dir, pages: [], screenshots: [] };
  const issueId = (title: string | RegExp) => issues.find((i) => (typeof title === 'string' ? i.title === title : title.test(i.title)))!.id;

  async function check(page: Page, name: string) {
    const bad = await audit(log, page, name);
    expect(bad, `axe on ${name}:\n${describeViolations(bad)}`).toEqual([]);
  }

  beforeAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
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
    const counts = { minor: 0, moderate: 0, serious: 0, critical: 0 };
    for (const p of log.pages) for (const v of p.violations) if (v.impact) counts[v.impact]++;
    console.log(
      `axe (text): ${log.pages.length} pages checked at 2 widths; violations by impact: ${JSON.stringify(counts)}; screenshots: ${log.screenshots.length} in ${log.dir}`,
    );
  });

  it('a member writing sees the statements like theirs as they type, announced, and votes on one by keyboard instead', async () => {
    await m.goto(demo.url + demo.invitePath);
    await new JoinPage(m).join('Bo', 'driver');
    await new IssuesPage(m).waitUntilShown();
    orgId = ((await (await member.request.get(`${demo.url}${pathOf(routeTable.me, {})}`)).json()) as { organisation: { id: string } }).organisation.id;
    issues = ((await (await member.request.get(`${demo.url}${pathOf(routeTable.issues, { orgId })}`)).json()) as { issues: IssueJson[] }).issues;
    await m.goto(`${demo.url}/issues/${issueId(PAY)}/write`);
    const write = new SimilarSuggestions(m);
    await write.field().waitFor();
    // Too little typed: nothing asked, nothing announced.
    await write.type('The');
    await m.waitForTimeout(400);
    expect(await write.region().count()).toBe(0);
    await write.type(TYPED.slice(3));
    await expect.poll(() => write.announced()).toMatch(/^\d statements? like yours (is|are) already here/);
    const shown = await write.statements();
    expect(shown[0]).toBe(ALREADY_THERE);
    expect(shown.length).toBeLessThanOrEqual(5);
    expect(await write.announced()).toBe(text(shown.length === 1 ? 'write.similar.found_one' : 'write.similar.found_other', { count: shown.length }));
    await check(m, 'write-similar');
    // By keyboard alone: from the field, Tab reaches the first suggestion's buttons; Enter votes.
    expect(await write.tabToFirst('agree')).toBe(true);
    await m.keyboard.press('Enter');
    await expect.poll(() => write.saved()).toBe(text('write.similar.saved', { vote: text('vote.agree'), text: ALREADY_THERE }));
    expect(await write.pressed('agree')).toBe('true');
    // The vote counts: the statement is no longer offered to vote on.
    const mine = (await (await member.request.get(`${demo.url}${pathOf(routeTable.issue, { orgId, issueId: issueId(PAY) })}`)).json()) as {
      statements: { text: string; myVote: number | null }[];
    };
    expect(mine.statements.find((s) => s.text === ALREADY_THERE)?.myVote).toBe(1);
  });

  it('an organiser reads the themes of the demo conversation, with each group’s votes', async () => {
    await o.goto(`${demo.url}/login`);
    await new LoginPage(o).logIn(demo.organiser.organisation, demo.organiser.email, demo.organiser.password);
    await new OrganiseIssuesPage(o).waitUntilShown();
    // The engine's analysis of the conversation runs in a worker after the server starts: wait for its group votes.
    await expect
      .poll(
        async () => {
          const r = (await (await organiser.request.get(`${demo.url}${pathOf(routeTable.themes, { orgId, issueId: issueId(DEMO_ISSUE) })}`)).json()) as {
            themes: { groups: { agree: number }[] }[];
          };
          return r.themes.some((t) => t.groups.some((g) => g.agree > 0));
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toBe(true);
    await o.goto(`${demo.url}/organise/issues/${issueId(DEMO_ISSUE)}`);
    await new OrganiseIssuePage(o).waitUntilShown();
    await o.getByRole('link', { name: new RegExp(`^${text('organise.tools.themes')}`) }).click();
    const themes = new ThemesPage(o);
    await themes.waitUntilShown();
    const labels = await themes.labels();
    expect(labels.length).toBeGreaterThanOrEqual(5);
    expect(labels.every((l) => l.length > 0)).toBe(true);
    expect((await themes.statements(0)).length).toBeGreaterThanOrEqual(3);
    const votes = await themes.groupVotes(0);
    expect(votes.length).toBeGreaterThanOrEqual(2);
    expect(votes[0]).toMatch(/^Group A: \d+% agree, \d+% disagree, \d+% pass \([\d,]+ votes\)$/);
    await themes.chart(0).waitFor();
    await check(o, 'themes-demo');
  });

  it('shows the claims citing each theme of Night-shift pay, and merges a duplicate report seed', async () => {
    await o.goto(`${demo.url}/organise/issues/${issueId(PAY)}/themes`);
    const themes = new ThemesPage(o);
    await themes.waitUntilShown();
    const claims = (await Promise.all((await themes.labels()).map((_, i) => themes.claims(i)))).flat();
    expect(claims).toContain('We demand a night premium of 25 % on every hour worked at night');
    await check(o, 'themes-pay');
    const { into, announced } = await themes.mergeIntoFirstOffered(DUPLICATE);
    // The closest offered is one of the same seeds, from another depot.
    expect(into).toMatch(/^Depot \d: management accepted the premium in the first meeting$/);
    expect(announced).toMatch(/^Merged “Depot 1: .*” into “Depot \d: .*”: [\d,]+ votes? carried over\.$/);
    await expect.poll(async () => (await o.locator('.fate__text').allInnerTexts()).includes(DUPLICATE)).toBe(false);
    await check(o, 'themes-merged');
    const listed = (await (await organiser.request.get(`${demo.url}${pathOf(routeTable.issue, { orgId, issueId: issueId(PAY) })}`)).json()) as {
      statements: { text: string }[];
    };
    expect(listed.statements.map((s) => s.text)).not.toContain(DUPLICATE);
  });
});
