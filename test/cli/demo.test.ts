/** `npm start` serves the demo organisation with the whole imported conversation. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { demoStory } from '../../src/cli/demo-story.js';
import { freePort, repoRoot, startServerProcess, type ServerProcess } from '../_util/server-process.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-demo-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function login(url: string, output: string) {
    const m = /log in as (\S+) \/ (\S+)/.exec(output);
    expect(m).not.toBeNull();
    const res = await fetch(`${url}${pathOf(routeTable.login, {})}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organisation: 'demo', email: m![1], password: m![2] }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const me = (await res.json()) as { organisation: { id: string } };
    return { cookie, orgId: me.organisation.id };
  }

  it('imports the demo conversation on first run and shows all of it through the API', { timeout: 420_000 }, async () => {
    const port = await freePort();
    server = await startServerProcess('npm', ['start', '--silent'], { MASSLINE_DATA_DIR: dataDir, PORT: String(port) }, 240_000, /Members join through \S+/);
    const { cookie, orgId } = await login(server.url, server.output());
    const list = (await (await fetch(`${server.url}${pathOf(routeTable.issues, { orgId })}`, { headers: { cookie } })).json()) as {
      issues: { id: string; title: string }[];
    };
    const conversation = readPolisConversation(path.join(repoRoot, 'demo/vtaiwan.uberx'));
    // The imported conversation, and the story's two issues beside it.
    expect(list.issues).toHaveLength(3);
    const imported = list.issues.find((i) => i.title === conversation.summary.topic);
    expect(imported).toBeDefined();
    const detail = (await (await fetch(`${server.url}${pathOf(routeTable.issue, { orgId, issueId: imported!.id })}`, { headers: { cookie } })).json()) as {
      statements: unknown[];
      participants: number;
      votesCast: number;
    };
    const voters = new Set(conversation.votes.map((v) => v.voterId));
    expect(detail.statements).toHaveLength(conversation.comments.length);
    expect(detail.participants).toBe(voters.size);
    expect(detail.votesCast).toBe(conversation.votes.length);
    console.log(`demo: ${detail.participants} participants, ${detail.statements.length} statements, ${detail.votesCast} votes`);

    // The story shows the model: every character of MODEL.md §3 on the health plane.
    const health = (await (await fetch(`${server.url}${pathOf(routeTable.health, { orgId })}`, { headers: { cookie } })).json()) as {
      issues: {
        title: string;
        health: { character: string; practice: { how: string; terms: { leadership: { acts: number; reports: number; members: number } } } };
      }[];
    };
    expect(new Set(health.issues.map((i) => i.health.character))).toEqual(new Set(['correct', 'empiricist', 'fool']));
    // Criticism from below: published batches, answered and waiting, one still to be published.
    const criticism = (await (await fetch(`${server.url}${pathOf(routeTable.criticisms, { orgId })}`, { headers: { cookie } })).json()) as {
      criticisms: { seconds: number }[];
      bureaucracy: { published: number; answered: number; unanswered: number; medianDaysToAnswer: number };
      pending: number;
      epochs: { tokensIssued: number; tokensSpent: number; ceiling: number }[];
    };
    expect(criticism.bureaucracy).toMatchObject({ published: 6, answered: 4, unanswered: 2 });
    expect(criticism.bureaucracy.medianDaysToAnswer).toBeGreaterThan(1);
    expect(criticism.pending).toBe(1);
    expect(criticism.criticisms.reduce((n, c) => n + c.seconds, 0)).toBe(36);
    for (const e of criticism.epochs) expect(e.tokensSpent).toBeLessThanOrEqual(e.tokensIssued);

    // The pay line in practice, importance and blocking: what the story did through the pages' routes, as the pages read it.
    const story = demoStory(Date.now());
    const get = async <T>(path: string) => (await (await fetch(`${server!.url}${path}`, { headers: { cookie } })).json()) as T;
    const pay = list.issues.find((i) => i.title === 'Night-shift pay')!;
    const safety = list.issues.find((i) => i.title === 'Depot safety')!;
    const { actions } = await get<{ actions: { id: string; title: string; participants: number }[] }>(pathOf(routeTable.actions, { orgId, issueId: pay.id }));
    const { reports } = await get<{ reports: { actionId: string | null; verdict: string | null }[] }>(pathOf(routeTable.reports, { orgId, issueId: pay.id }));
    const storyActions = story.events.flatMap((e) => (e.type === 'action' ? [e] : []));
    expect(storyActions.length).toBeGreaterThanOrEqual(2);
    expect(actions.map((a) => a.title).sort()).toEqual(storyActions.map((a) => a.title).sort());
    for (const a of storyActions) {
      const served = actions.find((x) => x.title === a.title)!;
      const joined = story.events.filter((e) => e.type === 'join' && e.action === a.id).length;
      expect(joined, a.title).toBeGreaterThan(0);
      expect(served.participants, a.title).toBe(joined);
      expect(reports.filter((r) => r.actionId === served.id).length, a.title).toBe(story.events.filter((e) => e.type === 'report' && e.action === a.id).length);
    }
    // An organiser active on the issue: the seed statement is among its statements.
    const organisers = new Set(story.members.filter((m) => m.role === 'organiser').map((m) => m.id));
    const seeds = story.events.flatMap((e) => (e.type === 'statement' && organisers.has(e.member) ? [e.text] : []));
    expect(seeds.length).toBeGreaterThan(0);
    const payDetail = await get<{ statements: { text: string }[] }>(pathOf(routeTable.issue, { orgId, issueId: pay.id }));
    for (const text of seeds) expect(payDetail.statements.map((x) => x.text)).toContain(text);
    // Their votes, statement and report are shown apart from the masses' practice, never in P.
    const byLeadership = story.events.flatMap((e) => ('member' in e && organisers.has(e.member) ? [e] : []));
    const apart = health.issues.find((i) => i.title === pay.title)!.health.practice;
    expect(apart.terms.leadership).toEqual({
      acts: byLeadership.filter((e) => e.type === 'vote' || e.type === 'statement').length,
      reports: byLeadership.filter((e) => e.type === 'report').length,
      members: organisers.size,
    });
    expect(apart.terms.leadership.reports).toBeGreaterThan(0);
    expect(apart.how).toContain("not counted: the leadership's own");
    // Members marked importance; an organiser marked that pay must be resolved before depot safety.
    const marks = (id: string) =>
      get<{ markedImportant: number; blocks: { issueId: string }[]; blockedBy: { issueId: string }[] }>(pathOf(routeTable.marks, { orgId, issueId: id }));
    const [payMarks, safetyMarks] = await Promise.all([marks(pay.id), marks(safety.id)]);
    const importance = (issue: string) => story.events.filter((e) => e.type === 'important' && e.issue === issue).length;
    expect(payMarks.markedImportant).toBe(importance('pay'));
    expect(safetyMarks.markedImportant).toBe(importance('safety'));
    expect(payMarks.markedImportant).toBeGreaterThan(0);
    expect(payMarks.blocks.map((b) => b.issueId)).toEqual([safety.id]);
    expect(safetyMarks.blockedBy.map((b) => b.issueId)).toEqual([pay.id]);
    // Blocking comes first: the issue that blocks another is the principal contradiction.
    const principal = await get<{ principal: { issueId: string } | null }>(pathOf(routeTable.principal, { orgId }));
    expect(principal.principal?.issueId).toBe(pay.id);
    // And the engine's analysis through the API, made in the background after the import: until it
    // is stored, the API serves the groups that came with the export (source 'import').
    const ANALYSIS_WAIT_MS = 120_000;
    const waitUntil = Date.now() + ANALYSIS_WAIT_MS;
    let served: { status: number; source?: string } = { status: 0 };
    let snapshot: { source: string; groups: unknown[]; consensus: unknown[] } | undefined;
    for (;;) {
      const res = await fetch(`${server.url}${pathOf(routeTable.analysis, { orgId, issueId: imported!.id })}`, { headers: { cookie } });
      served = { status: res.status };
      if (res.status === 200) {
        const body = (await res.json()) as { snapshot: { source: string; groups: unknown[]; consensus: unknown[] } };
        served.source = body.snapshot.source;
        if (body.snapshot.source === 'engine') {
          snapshot = body.snapshot;
          break;
        }
      } else await res.body?.cancel();
      if (Date.now() > waitUntil) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(snapshot, `no engine analysis of the imported issue within ${ANALYSIS_WAIT_MS / 1000} s; last answer: ${JSON.stringify(served)}`).toBeDefined();
    expect(snapshot!.source).toBe('engine');
    expect(snapshot!.groups.length).toBeGreaterThanOrEqual(2);

    // The printed invite link lets a member join.
    const invite = /Members join through \S+\/join\/(\S+)/.exec(server.output());
    expect(invite).not.toBeNull();
    const joined = await fetch(`${server.url}${pathOf(routeTable.acceptInvite, { token: invite![1]! })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'New member' }),
    });
    expect(joined.status).toBe(201);

    // A second start keeps the organisation as it is.
    await server.stop();
    server = await startServerProcess('npm', ['start', '--silent'], { MASSLINE_DATA_DIR: dataDir, PORT: String(port) }, 90_000, /Members join through \S+/);
    const again = await login(server.url, server.output());
    const after = (await (await fetch(`${server.url}${pathOf(routeTable.issues, { orgId: again.orgId })}`, { headers: { cookie: again.cookie } })).json()) as {
      issues: unknown[];
    };
    expect(after.issues).toHaveLength(3);
  });
});
