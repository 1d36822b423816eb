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
  id, issueId: 'i1', at, groups: [], consensus, representative, divisive: [], groupVotes: {},
});
const verdict = (id: string, claimId: string, v: ReportFact['verdict'], at = T - DAY_MS): ReportFact => ({ id, issueId: 'i1', memberId: 'm', at, claimId, verdict: v });

describe('grounding', () => {
  it('is null without claims', () => {
    expect(groundingAt(factsOf({}), 'i1', T).value).toBeNull();
  });
  it('is the share of claims citing at least one basis', () => {
    const facts = factsOf({ lines: [version('v1', 1, T, [claim('a', 'A', ['s1']), claim('b', 'B'), { id: 'c', text: 'C', cites: [{ kind: 'report', ref: 'r1' }] }])] });
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
    const reports = [verdict('r1', 'a', 'refutes'), verdict('r2', 'a', 'refutes'), verdict('r3', 'a', 'confirms'), verdict('r4', 'b', 'refutes'), verdict('r5', 'b', 'confirms'), verdict('r6', 'b', 'mixed'), verdict('r7', 'c', 'mixed')];
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
  it('ignores reports after t', () => {
    expect(refutedClaimsAt(factsOf({ lines, reports: [verdict('r1', 'a', 'refutes', T + 1)] }), 'i1', T).value).toBe(0);
  });
});

describe('representativeness', () => {
  const members = [
    ...['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((id) => ({ id, joinedAt: T - DAY_MS, constituency: 'worker' })),
    ...['s1', 's2'].map((id) => ({ id, joinedAt: T - DAY_MS, constituency: 'student' })),
    ...['n1', 'n2'].map((id) => ({ id, joinedAt: T - DAY_MS, constituency: null })),
  ];
  it('is participants / members joined, per constituency its rate over the overall rate, and the lowest', () => {
    const acts = ['w1', 'w2', 'w3', 'n1'].map((memberId) => ({ memberId, issueId: 'i1', at: T, kind: 'vote' as const, statementId: 'x' }));
    const reports = [{ id: 'r', issueId: 'i1', memberId: 's1', at: T, claimId: null, verdict: null }];
    const r = representativenessAt(factsOf({ members, acts, reports }), 'i1', T);
    // 5 of 10 took part: 50 %. worker 3/6 = 50 % → 1; student 1/2 = 50 % → 1. Equal: lowest is the first in order.
    expect(r.value).toBe(0.5);
    expect(r.constituencies).toEqual([
      { constituency: 'student', participants: 1, members: 2, rate: 0.5, ratio: 1 },
      { constituency: 'worker', participants: 3, members: 6, rate: 0.5, ratio: 1 },
    ]);
    const skewed = representativenessAt(factsOf({ members, acts }), 'i1', T);
    // 4 of 10 = 40 %; worker 3/6 = 50 % → 1.25; student 0/2 → 0
    expect(skewed.lowest).toEqual({ constituency: 'student', ratio: 0 });
    expect(skewed.constituencies.find((c) => c.constituency === 'worker')?.ratio).toBeCloseTo(1.25, 15);
  });
  it('is null without members', () => {
    expect(representativenessAt(factsOf({}), 'i1', T).value).toBeNull();
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
