/**
 * Consensus means every group agrees (issue 13, acceptance 3), read in the browser: on each of the
 * demo's issues, the opinion map and the line editor's basis list the same consensus statements
 * as the analysis API, each with every group above half; on night-shift pay, the statement one
 * group rejects ("Dispatchers on nights deserve the same premium as drivers") is divisive, never
 * consensus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pathOf, routeTable } from '../src/contract/route-table.js';
import { launchChromium, DESKTOP } from './_util/browser.js';
import { ensurePagesBuilt, startDemoServer, type DemoServer } from './_util/server.js';
import { LineEditorPage } from './pages/line-editor-page.js';
import { LoginPage } from './pages/login-page.js';
import { OpinionMapPage } from './pages/opinion-map-page.js';
import { OrganiseIssuesPage } from './pages/organise-issues-page.js';

const DISPATCHERS = 'Dispatchers on nights deserve the same premium as drivers';

interface Served {
  snapshot: {
    groups: { id: string }[];
    consensus: { statementId: string; direction: 'agree' | 'disagree' }[];
    divisive: { statementId: string }[];
    groupVotes: Record<string, Record<string, { agree: number; disagree: number; pass: number }>>;
  };
}

describe('consensus on the map, in the line editor and in the API', () => {
  let demo: DemoServer;
  let browser: Browser;
  let organiser: BrowserContext;
  let o: Page;
  let orgId: string;
  let issues: { id: string; title: string }[];

  const api = async <T>(path: string): Promise<T> => {
    const res = await organiser.request.get(`${demo.url}${path}`);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensurePagesBuilt();
    [demo, browser] = await Promise.all([startDemoServer(), launchChromium()]);
    organiser = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', bypassCSP: true });
    o = await organiser.newPage();
    o.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await o.goto(`${demo.url}/login`);
    await new LoginPage(o).logIn(demo.organiser.organisation, demo.organiser.email, demo.organiser.password);
    await new OrganiseIssuesPage(o).waitUntilShown();
    orgId = (await api<{ organisation: { id: string } }>(pathOf(routeTable.me, {}))).organisation.id;
    issues = (await api<{ issues: { id: string; title: string }[] }>(pathOf(routeTable.issues, { orgId }))).issues;
    // The imported conversation is analysed in a worker after the server starts.
    const imported = issues.find((i) => !['Night-shift pay', 'Depot safety'].includes(i.title))!;
    const until = Date.now() + 180_000;
    for (;;) {
      const res = await organiser.request.get(`${demo.url}${pathOf(routeTable.analysis, { orgId, issueId: imported.id })}`);
      if (res.status() === 200 && ((await res.json()) as { snapshot: { source: string } }).snapshot.source === 'engine') break;
      if (Date.now() > until) throw new Error(`no engine analysis of "${imported.title}" within 180 s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('lists the same consensus on the map, in the line editor and in the API, for every issue; every group holds each', async () => {
    let listed = 0;
    for (const issue of issues) {
      const served = await api<Served>(pathOf(routeTable.analysis, { orgId, issueId: issue.id }));
      const texts = new Map(
        (await api<{ statements: { id: string; text: string }[] }>(pathOf(routeTable.issue, { orgId, issueId: issue.id }))).statements.map((s) => [
          s.id,
          s.text,
        ]),
      );
      for (const c of served.snapshot.consensus) {
        for (const g of served.snapshot.groups) {
          const t = served.snapshot.groupVotes[c.statementId]![g.id]!;
          expect(2 * t[c.direction], `${issue.title}: group ${g.id} on ${texts.get(c.statementId)}`).toBeGreaterThan(t.agree + t.disagree + t.pass);
        }
      }
      const fromApi = served.snapshot.consensus.map((c) => texts.get(c.statementId));
      listed += fromApi.length;

      await o.goto(`${demo.url}/organise/issues/${issue.id}/map`);
      const map = new OpinionMapPage(o);
      await map.waitUntilDrawn();
      expect(await map.consensus(), `${issue.title}: the map`).toEqual(fromApi);
      for (const figure of await map.consensusFigures()) expect(figure).toMatch(/^Every group (agrees|disagrees): at least \d+% of each$/);

      await o.goto(`${demo.url}/organise/issues/${issue.id}/line`);
      const editor = new LineEditorPage(o);
      await editor.waitUntilShown();
      expect(await editor.consensusOffered(1), `${issue.title}: the line editor`).toEqual(fromApi);
    }
    expect(listed).toBeGreaterThan(0);
  });

  it('on night-shift pay, a statement one group rejects is divisive, not consensus', async () => {
    const pay = issues.find((i) => i.title === 'Night-shift pay')!;
    await o.goto(`${demo.url}/organise/issues/${pay.id}/map`);
    const map = new OpinionMapPage(o);
    await map.waitUntilDrawn();
    expect(await map.consensus()).not.toContain(DISPATCHERS);
    expect(await map.divisive()).toContain(DISPATCHERS);
    await o.goto(`${demo.url}/organise/issues/${pay.id}/line`);
    const editor = new LineEditorPage(o);
    await editor.waitUntilShown();
    expect(await editor.consensusOffered(1)).not.toContain(DISPATCHERS);
  });
});
