import { describe, expect, it } from 'vitest';
import type { AnalysisFact, ClaimFact, ModelFacts, ReportFact } from './facts.js';
import { concentrationAt, groundingAt, refutedClaimsAt, representativenessAt } from './quality.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const claim = (id: string, text: string, statements: string[] = []): ClaimFact => ({ id, text, cites: statements.map((ref) => ({ kind: 'statement', ref })) });
const version = (id: string, number: number, publishedAt: number, claims: ClaimFact[]) => ({ id, issueId: 'i1', number, publishedAt, claims });
const analysis = (id: string, at: number, consensus: string[], representative: string[] = []): AnalysisFact => ({
  id,
  issueId: 'i1',
  at,
  groups: [],
  consensus,
  representative,
  divisive: [],
  groupVotes: {},
});
// Each verdict by its own member unless named: a member's reports on one claim count once (MODEL.md v2 §3).
const verdict = (id: string, claimId: string, v: ReportFact['verdict'], at = T - DAY_MS, memberId = `m-${id}`): ReportFact => ({
  id,
  issueId: 'i1',
  memberId,
  at,
  claimId,
  verdict: v,
});

describe('grounding', () => {
  it('is null without claims', () => {
    expect(groundingAt(factsOf({}), 'i1', T).value).toBeNull();
  });
  it('is the share of claims citing at least one basis', () => {
    const facts = factsOf({
      lines: [version('v1', 1, T, [claim('a', 'A', ['s1']), claim('b', 'B'), { id: 'c', text: 'C', cites: [{ kind: 'report', ref: 'r1' }] }])],
    });
    const g = groundingAt(facts, 'i1', T);
    expect(g.value).toBeCloseTo(2 / 3, 15);
    expect(g.terms).toEqual({ grounded: 2, claims: 3, ungrounded: ['b'] });
  });
});

describe('refuted claims', () => {
  const lines = [version('v1', 1, T - 5 * DAY_MS, [claim('a', 'A', ['s1']), claim('b', 'B', ['s2']), claim('c', 'C')])];
  it('a cited statement that was in consensus and is not in the latest analysis', () => {
    const facts = factsOf({ lines, analyses: [analysis('x1', T - 9 * DAY_MS, ['s1', 's2']), analysis('x2', T - DAY_MS, ['s2'])] });
    const r = refutedClaimsAt(facts, 'i1', T);
    expect(r.value).toBe(1);
    expect(r.claims[0]).toMatchObject({ claimId: 'a', lostConsensus: ['s1'] });
    // before the second analysis nothing was lost
    expect(refutedClaimsAt(facts, 'i1', T - 2 * DAY_MS).value).toBe(0);
  });
  it('reports that refute more than confirm; mixed counts for neither; a tie is not refuted', () => {
    const reports = [
      verdict('r1', 'a', 'refutes'),
      verdict('r2', 'a', 'refutes'),
      verdict('r3', 'a', 'confirms'),
      verdict('r4', 'b', 'refutes'),
      verdict('r5', 'b', 'confirms'),
      verdict('r6', 'b', 'mixed'),
      verdict('r7', 'c', 'mixed'),
    ];
    const r = refutedClaimsAt(factsOf({ lines, reports }), 'i1', T);
    expect(r.claims.map((c) => c.claimId)).toEqual(['a']);
    expect(r.claims[0]?.verdicts).toEqual({ confirms: 1, refutes: 2, mixed: 0 });
    expect(r.claims[0]?.reasons).toEqual(['reports refute it 2 to 1']);
  });
  it('follows a claim republished under a new id with the same text', () => {
    const two = [...lines, version('v2', 2, T - DAY_MS, [claim('a2', 'A', ['s1'])])];
    const r = refutedClaimsAt(factsOf({ lines: two, reports: [verdict('r1', 'a', 'refutes', T - 3 * DAY_MS)] }), 'i1', T);
    expect(r.claims.map((c) => c.claimId)).toEqual(['a2']);
  });
  it("counts each member's latest verdict on a claim once, and not the leadership's", () => {
    const organiser = { id: 'o', joinedAt: T - 9 * DAY_MS, constituency: null, roles: [{ role: 'organiser' as const, from: T - 9 * DAY_MS }] };
    // One member refutes A ten times; two members confirm it: 1 refutation against 2 confirmations.
    const ten = Array.from({ length: 10 }, (_, i) => verdict(`r${i}`, 'a', 'refutes', T - 2 * DAY_MS + i, 'loud'));
    const confirms = [verdict('c1', 'a', 'confirms'), verdict('c2', 'a', 'confirms')];
    const r = refutedClaimsAt(factsOf({ lines, reports: [...ten, ...confirms] }), 'i1', T);
    expect(r.value).toBe(0);
    // The member's latest verdict is the one that counts: they changed their mind to confirms.
    const changed = refutedClaimsAt(
      factsOf({ lines, reports: [verdict('x1', 'b', 'refutes', T - 3 * DAY_MS, 'm'), verdict('x2', 'b', 'confirms', T - 2 * DAY_MS, 'm')] }),
      'i1',
      T,
    );
    expect(changed.value).toBe(0);
    // Four refutations by an organiser refute nothing.
    const byOrganiser = Array.from({ length: 4 }, (_, i) => verdict(`o${i}`, 'c', 'refutes', T - DAY_MS, 'o'));
    expect(refutedClaimsAt(factsOf({ members: [organiser], lines, reports: byOrganiser }), 'i1', T).value).toBe(0);
    expect(refutedClaimsAt(factsOf({ members: [], lines, reports: byOrganiser }), 'i1', T).claims[0]?.verdicts).toEqual({ confirms: 0, refutes: 1, mixed: 0 });
  });
  it('ignores reports after t', () => {
    expect(refutedClaimsAt(factsOf({ lines, reports: [verdict('r1', 'a', 'refutes', T + 1)] }), 'i1', T).value).toBe(0);
  });
});

describe('representativeness', () => {
  const members = [
    ...['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((id) => ({ id, joinedAt: T - 400 * DAY_MS, constituency: 'worker' })),
    ...['s1', 's2'].map((id) => ({ id, joinedAt: T - 400 * DAY_MS, constituency: 'student' })),
    ...['n1', 'n2'].map((id) => ({ id, joinedAt: T - 400 * DAY_MS, constituency: null })),
    { id: 'o1', joinedAt: T - 400 * DAY_MS, constituency: 'worker', roles: [{ role: 'organiser' as const, from: T - 400 * DAY_MS }] },
  ];
  const act = (memberId: string, issueId: string, at = T) => ({ memberId, issueId, at, kind: 'vote' as const, statementId: `x-${issueId}` });
  it('is participants / active members (of role member, with an act within h days), per constituency its rate over the overall rate, and the lowest', () => {
    const acts = [
      ...['w1', 'w2', 'w3', 'n1'].map((m) => act(m, 'i1')),
      ...['w4', 'w5', 's2'].map((m) => act(m, 'i2')), // active on another issue
      act('w6', 'i1', T - 200 * DAY_MS), // took part, but not within the last 180 days: not active
      act('o1', 'i1'), // the leadership: neither active member nor participant
    ];
    const reports = [{ id: 'r', issueId: 'i1', memberId: 's1', at: T, claimId: null, verdict: null }];
    const r = representativenessAt(factsOf({ members, acts, reports }), 'i1', T);
    // active: w1–w5, s1, s2, n1 = 8 (w6 lapsed, n2 never acted, o1 an organiser); on i1: w1–w3, n1, s1 = 5 → 5/8
    expect(r.value).toBe(5 / 8);
    expect(r.terms).toEqual({ participants: 5, activeMembers: 8, halfLifeDays: 180 });
    // worker 3/5 = 60 % → 0.96; student 1/2 = 50 % → 0.8
    expect(r.constituencies.map((c) => [c.constituency, c.participants, c.members])).toEqual([
      ['student', 1, 2],
      ['worker', 3, 5],
    ]);
    expect(r.lowest?.constituency).toBe('student');
    expect(r.lowest?.ratio).toBeCloseTo(0.8, 12);
    expect(r.how).toBe(
      'representativeness = 5/8 = 63 % of active members (members who took part in the last 180 days) took part in this issue; lowest: student at 0.8× the overall rate',
    );
    // with h = ∞ everyone who ever acted is active: w6 too, and a participant
    expect(representativenessAt(factsOf({ members, acts, reports }), 'i1', T, { halfLifeDays: Infinity }).terms).toEqual({
      participants: 6,
      activeMembers: 9,
      halfLifeDays: Infinity,
    });
  });
  it('is null without active members', () => {
    expect(representativenessAt(factsOf({}), 'i1', T).value).toBeNull();
    expect(representativenessAt(factsOf({ members, acts: [act('o1', 'i1')] }), 'i1', T).value).toBeNull();
  });
});

describe('concentration', () => {
  it('is the share of consensus ∪ representative statements cited by a current claim', () => {
    const facts = factsOf({
      lines: [version('v1', 1, T, [claim('a', 'A', ['s1', 's9']), claim('b', 'B', ['s3'])])],
      analyses: [analysis('x1', T - DAY_MS, ['s1', 's2'], ['s2', 's3', 's4'])],
    });
    const c = concentrationAt(facts, 'i1', T);
    // {s1, s2, s3, s4}: s1 and s3 cited → 2/4
    expect(c.value).toBe(0.5);
    expect(c.terms.uncited).toEqual(['s2', 's4']);
  });
  it('is null when the analysis has no such statements, or there is none', () => {
    expect(concentrationAt(factsOf({}), 'i1', T).value).toBeNull();
    expect(concentrationAt(factsOf({ analyses: [analysis('x1', T, [])] }), 'i1', T).value).toBeNull();
  });
});
