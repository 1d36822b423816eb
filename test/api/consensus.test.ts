/**
 * Consensus means every group agrees (MODEL.md §3): on every Pol.is conversation the engine is
 * run on, and in every analysis of the demo, no statement listed as consensus is one that any
 * group rejects, none is divisive too, and the API, the opinion map and the line editor (both
 * read the API's analysis through `analysisFindings`) and the model's facts list the same. An
 * analysis stored when consensus was the overall majority is read under the rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeConversation, applyVote, createVoteStore, CONSENSUS_THRESHOLD } from '../../src/engine/index.js';
import { groupConsensusOf, withGroupConsensus } from '../../src/core/index.js';
import type { AnalysisSnapshot } from '../../src/contract/index.js';
import { snapshotOf } from '../../src/jobs/snapshot.js';
import { analyses, loadModelFacts } from '../../src/store/index.js';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { DEMO, ensureDemo } from '../../src/cli/demo.js';
import { analysisFindings } from '../../src/web/analysis/findings.js';
import { Client, signUp, startHarness, type Harness } from '../_util/app.js';
import { dialects } from '../_util/stores.js';
import { pathOf, routeTable } from '../_util/routes.js';

type Tallies = AnalysisSnapshot['groupVotes'];
type Snapshot = Pick<AnalysisSnapshot, 'groups' | 'groupVotes' | 'consensus' | 'divisive'>;

/** Every statement listed as consensus, with the groups that do not hold it: none, when the rule holds. */
function rejections(snapshot: Snapshot): { statementId: string; groupId: string }[] {
  const found: { statementId: string; groupId: string }[] = [];
  for (const c of snapshot.consensus) {
    for (const g of snapshot.groups) {
      const t = snapshot.groupVotes[c.statementId]?.[g.id] ?? { agree: 0, disagree: 0, pass: 0 };
      if (!(2 * t[c.direction] > t.agree + t.disagree + t.pass)) found.push({ statementId: c.statementId, groupId: g.id });
    }
  }
  return found;
}

/** The rule, read from the tallies: every group above half, the group-informed consensus above the threshold, not divisive. */
function expectConsensusOfEveryGroup(snapshot: Snapshot, where: string): void {
  expect(rejections(snapshot), where).toEqual([]);
  for (const c of snapshot.consensus) {
    const product = snapshot.groups.reduce((p, g) => {
      const t = snapshot.groupVotes[c.statementId]![g.id]!;
      return (p * (t[c.direction] + 1)) / (t.agree + t.disagree + t.pass + 2);
    }, 1);
    expect(Math.pow(product, 1 / snapshot.groups.length), `${where}: ${c.statementId}`).toBeGreaterThan(CONSENSUS_THRESHOLD);
    expect(
      snapshot.divisive.map((d) => d.statementId),
      `${where}: ${c.statementId} is also divisive`,
    ).not.toContain(c.statementId);
  }
}

/** The consensus of the overall majority (the rule before: Pol.is's, over all the groups' voters together). */
function overallMajority(groupVotes: Tallies): AnalysisSnapshot['consensus'] {
  const found: AnalysisSnapshot['consensus'] = [];
  for (const [statementId, perGroup] of Object.entries(groupVotes)) {
    const t = Object.values(perGroup).reduce((s, v) => ({ agree: s.agree + v.agree, disagree: s.disagree + v.disagree, pass: s.pass + v.pass }), {
      agree: 0,
      disagree: 0,
      pass: 0,
    });
    const n = t.agree + t.disagree + t.pass;
    for (const direction of ['agree', 'disagree'] as const) {
      const share = (t[direction] + 1) / (n + 2);
      if (share > 0.5 && 2 * Math.sqrt(n + 1) * ((t[direction] + 1) / (n + 1) - 0.5) > 1.2816) found.push({ statementId, direction, share });
    }
  }
  return found;
}

const dataRoot = path.resolve(import.meta.dirname, '../../../shared/data/polis');
const conversations = fs.readdirSync(dataRoot).filter((name) => fs.statSync(path.join(dataRoot, name)).isDirectory());

/**
 * The engine's snapshot of a conversation, its statements named as the product names them (ids
 * that are not array indices, so a stored snapshot's tallies keep the engine's statement order).
 */
function analysed(name: string): AnalysisSnapshot {
  const conversation = readPolisConversation(path.join(dataRoot, name));
  const store = createVoteStore();
  for (const v of conversation.votes) applyVote(store, v.voterId, `c${v.commentId}`, v.vote);
  const moderatedOut = conversation.comments.filter((c) => c.moderated === -1).map((c) => `c${c.id}`);
  return snapshotOf(analyzeConversation(store, { moderatedOut }), null);
}

describe('consensus on every Pol.is conversation', () => {
  it.each(conversations)('%s: every statement in consensus holds in every group, and stored analyses read the same', (name) => {
    const snapshot = analysed(name);
    expectConsensusOfEveryGroup(snapshot, name);
    // Core's rule on the stored tallies is the engine's rule: the same lists, in the same order.
    expect(groupConsensusOf(snapshot)).toEqual({ consensus: snapshot.consensus, divisive: snapshot.divisive });
    // The overall majority of the same votes, read under the rule, keeps only what every group holds.
    const read = withGroupConsensus({ ...snapshot, consensus: overallMajority(snapshot.groupVotes) });
    expectConsensusOfEveryGroup(read, `${name}, overall majority read under the rule`);
  });

  it('the check itself catches an overall majority that a group rejects', () => {
    // 15-per-hour-seattle: the overall majorities are statements one of its two groups rejects.
    const snapshot = analysed('15-per-hour-seattle');
    expect(rejections({ ...snapshot, consensus: overallMajority(snapshot.groupVotes) }).length).toBeGreaterThan(0);
  });
});

// The rule is the same code on either database, and replaying the demo takes minutes: once, on SQLite.
describe.each(dialects.filter((d) => d === 'sqlite'))('consensus in the demo, on %s', (dialect) => {
  let h: Harness;
  let orgId: string;
  let organiser: Client;
  beforeAll(async () => {
    // Analyses debounced as `serve` does by default.
    h = await startHarness(dialect, { analysisDebounceMs: 1000 });
    orgId = (await ensureDemo(h.ctx, () => {})).orgId;
    // The imported conversation is analysed in the background after the import, as `serve` does.
    for (const behind of await analyses.issuesBehindTheirVotes(h.ctx.store.db)) await h.ctx.jobs.analyses.catchUp(behind.orgId, behind.issueId);
    await h.ctx.jobs.analyses.drain();
    organiser = new Client(h.app);
    const login = await organiser.post(pathOf(routeTable.login, {}), { organisation: DEMO.slug, email: DEMO.email, password: DEMO.password });
    expect(login.statusCode).toBe(200);
  }, 600_000);
  afterAll(async () => h?.close());

  const storedAnalyses = () => h.ctx.store.db.selectFrom('analyses').selectAll().where('org_id', '=', orgId).orderBy('issue_id').orderBy('seq').execute();
  const issueIds = async () => ((await organiser.get(pathOf(routeTable.issues, { orgId }))).json() as { issues: { id: string; title: string }[] }).issues;

  it('every analysis lists as consensus only what every group holds; the API, the map, the line editor and the facts list the same', async () => {
    const rows = await storedAnalyses();
    const engine = rows.filter((r) => r.source === 'engine');
    expect(new Set(engine.map((r) => r.issue_id)).size).toBe(3);
    for (const row of engine) expectConsensusOfEveryGroup(JSON.parse(row.result) as AnalysisSnapshot, `stored analysis ${row.id}`);
    expect(engine.some((r) => (JSON.parse(r.result) as AnalysisSnapshot).consensus.length > 0)).toBe(true);

    const facts = await loadModelFacts(h.ctx.store.db, orgId);
    for (const row of rows) {
      const fact = facts.analyses.find((a) => a.id === row.id);
      if (row.source !== 'engine') continue;
      const stored = JSON.parse(row.result) as AnalysisSnapshot;
      expect(fact?.consensus, `facts of ${row.id}`).toEqual(stored.consensus.map((c) => c.statementId));
      expect(fact?.divisive).toEqual(stored.divisive.map((d) => d.statementId));
    }

    for (const issue of await issueIds()) {
      const served = (await organiser.get(pathOf(routeTable.analysis, { orgId, issueId: issue.id }))).json() as { id: string; snapshot: AnalysisSnapshot };
      expectConsensusOfEveryGroup(served.snapshot, `served analysis of "${issue.title}"`);
      const detail = (await organiser.get(pathOf(routeTable.issue, { orgId, issueId: issue.id }))).json() as { statements: { id: string; text: string }[] };
      // The opinion map and the line editor both list `analysisFindings` of this very answer.
      const findings = analysisFindings(served.snapshot, new Map(detail.statements.map((s) => [s.id, s.text])));
      expect(findings.consensus.map((f) => [f.statementId, f.direction])).toEqual(served.snapshot.consensus.map((c) => [c.statementId, c.direction]));
      expect(findings.consensus.every((f) => f.text !== null)).toBe(true);
      const latest = facts.analyses.filter((a) => a.issueId === issue.id && a.id === served.id);
      expect(latest.map((a) => a.consensus)).toEqual([served.snapshot.consensus.map((c) => c.statementId)]);
    }
  });

  it('on night-shift pay, the dispatchers statement (an overall majority one group rejects) is never consensus: it is divisive', async () => {
    const pay = (await issueIds()).find((i) => i.title === 'Night-shift pay')!;
    const detail = (await organiser.get(pathOf(routeTable.issue, { orgId, issueId: pay.id }))).json() as { statements: { id: string; text: string }[] };
    const dispatchers = detail.statements.find((s) => s.text === 'Dispatchers on nights deserve the same premium as drivers')!.id;
    const snapshots = (await storedAnalyses())
      .filter((r) => r.issue_id === pay.id && r.source === 'engine')
      .map((row) => JSON.parse(row.result) as AnalysisSnapshot);
    // Wherever it is the overall majority and a group is on the other side, it is not consensus.
    const rejected = snapshots.filter(
      (s) => rejections({ ...s, consensus: overallMajority(s.groupVotes).filter((c) => c.statementId === dispatchers) }).length > 0,
    );
    expect(rejected.length).toBeGreaterThan(0);
    for (const s of rejected) expect(s.consensus.map((c) => c.statementId)).not.toContain(dispatchers);
    // Today, most of one group disagrees and most of another agrees: it divides them.
    const served = ((await organiser.get(pathOf(routeTable.analysis, { orgId, issueId: pay.id }))).json() as { snapshot: AnalysisSnapshot }).snapshot;
    const sides = served.groups.map((g) => served.groupVotes[dispatchers]![g.id]!).map((t) => t.agree / (t.agree + t.disagree + t.pass));
    expect(Math.min(...sides)).toBeLessThan(0.1);
    expect(Math.max(...sides)).toBeGreaterThan(0.6);
    expect(served.consensus.map((c) => c.statementId)).not.toContain(dispatchers);
    expect(served.divisive.map((d) => d.statementId)).toContain(dispatchers);
  });

  it('an analysis stored when consensus was the overall majority is served and counted under the rule', async () => {
    const pay = (await issueIds()).find((i) => i.title === 'Night-shift pay')!;
    const [newest] = (await storedAnalyses()).filter((r) => r.issue_id === pay.id && r.source === 'engine').reverse();
    const stored = JSON.parse(newest!.result) as AnalysisSnapshot;
    // As the engine stored it before: the overall majority, and divisive lists that may hold the same statement.
    const old: AnalysisSnapshot = {
      ...stored,
      consensus: overallMajority(stored.groupVotes),
      divisive: [...stored.divisive, ...stored.consensus.map((c) => ({ statementId: c.statementId, score: 0.01 }))],
    };
    expect(rejections(old).length).toBeGreaterThan(0);
    const id = `${newest!.id}-old`;
    await h.ctx.store.db
      .insertInto('analyses')
      .values({ ...newest!, id, seq: Number(newest!.seq) + 1000, result: JSON.stringify(old) })
      .execute();
    const served = (await organiser.get(pathOf(routeTable.analysis, { orgId, issueId: pay.id }))).json() as { id: string; snapshot: AnalysisSnapshot };
    expect(served.id).toBe(id);
    expectConsensusOfEveryGroup(served.snapshot, 'an old analysis served');
    expect(served.snapshot.consensus).toEqual(stored.consensus);
    expect(served.snapshot.divisive).toEqual(stored.divisive);
    const fact = (await loadModelFacts(h.ctx.store.db, orgId)).analyses.find((a) => a.id === id)!;
    expect(fact.consensus).toEqual(stored.consensus.map((c) => c.statementId));
    // Qualitative changes name statements by their text, never by id.
    const changes = (
      (await organiser.get(pathOf(routeTable.changes, { orgId }))).json() as { changes: { description: string; detail: { statementId?: string } }[] }
    ).changes;
    const ids = new Set(Object.keys(stored.groupVotes));
    for (const c of changes) {
      if (c.detail.statementId) expect(ids.has(c.detail.statementId) ? c.description : '').not.toContain(c.detail.statementId);
    }
    await h.ctx.store.db.deleteFrom('analyses').where('id', '=', id).execute();
  });
});

describe.each(dialects)('analyses stored under the overall majority, on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => h?.close());

  it('are served, counted and announced under the rule, with statements named by their text', async () => {
    const org = await signUp(h.app);
    const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Night-shift pay' })).json() as {
      id: string;
      cycle: { id: string };
    };
    const say = async (text: string) =>
      ((await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text })).json() as { id: string }).id;
    const dispatchers = await say('Dispatchers on nights deserve the same premium as drivers');
    const premium = await say('Night shifts must pay at least 25 % more than day shifts');
    const fares = await say('Passengers should pay higher night fares for our premium');
    const groups = [
      { id: '1', members: ['a', 'b', 'c'], representative: [] },
      { id: '2', members: ['d', 'e'], representative: [] },
    ];
    const tally = (agree: number, disagree: number, pass: number) => ({ agree, disagree, pass });
    // First: the premium is held by both groups; the dispatchers statement is an overall majority group 2 rejects.
    const before: Tallies = {
      [dispatchers]: { '1': tally(3, 97, 0), '2': tally(40, 8, 2) },
      [premium]: { '1': tally(80, 10, 10), '2': tally(40, 5, 5) },
      [fares]: { '1': tally(30, 60, 10), '2': tally(10, 35, 5) },
    };
    // Then: group 2 turns against the premium; both groups now reject higher fares.
    const after: Tallies = {
      ...before,
      [premium]: { '1': tally(80, 10, 10), '2': tally(10, 35, 5) },
      [fares]: { '1': tally(10, 85, 5), '2': tally(5, 42, 3) },
    };
    const old = (groupVotes: Tallies): AnalysisSnapshot => ({
      source: 'engine',
      revision: 0,
      computeMs: null,
      counts: { participants: 5, statements: 3, votes: 15, clustered: 5, groups: 2 },
      groups,
      consensus: overallMajority(groupVotes),
      groupInformedConsensus: [],
      divisive: [],
      bridging: [],
      map: { members: [], x: [], y: [], group: [] },
      groupVotes,
      priorities: {},
    });
    expect(overallMajority(before).map((c) => c.statementId)).toContain(dispatchers);
    for (const [seq, groupVotes] of [before, after].entries()) {
      await h.ctx.store.db
        .insertInto('analyses')
        .values({
          id: `old-analysis-${seq}`,
          org_id: org.orgId,
          issue_id: issue.id,
          cycle_id: issue.cycle.id,
          source: 'engine',
          votes_seq: seq,
          seq: seq + 1,
          basis: null,
          result: JSON.stringify(old(groupVotes)),
          created_at: `2026-02-0${seq + 1}T12:00:00.000Z`,
        })
        .execute();
    }

    const answer = await org.admin.get(pathOf(routeTable.analysis, { orgId: org.orgId, issueId: issue.id }));
    expect(answer.statusCode, answer.body).toBe(200);
    const served = answer.json() as { snapshot: AnalysisSnapshot };
    expect(served.snapshot.consensus).toEqual([{ statementId: fares, direction: 'disagree', share: 42 / 50 }]);
    expect(served.snapshot.divisive.map((d) => d.statementId)).toEqual(expect.arrayContaining([dispatchers, premium]));
    const facts = await loadModelFacts(h.ctx.store.db, org.orgId);
    expect(facts.analyses.map((a) => a.consensus)).toEqual([[premium], [fares]]);

    const changes = (
      (await org.admin.get(pathOf(routeTable.changes, { orgId: org.orgId }))).json() as { changes: { type: string; description: string }[] }
    ).changes.filter((c) => c.type.startsWith('consensus'));
    expect(changes.map((c) => c.description)).toEqual([
      '"Night-shift pay": every group now rejects "Passengers should pay higher night fares for our premium" (consensus gained)',
      '"Night-shift pay": not every group agrees with "Night shifts must pay at least 25 % more than day shifts" any more (consensus lost)',
    ]);
  });
});
