import { describe, expect, it } from 'vitest';
import type { EndorsementFact, ModelFacts } from './facts.js';
import type { EndorsementKind } from '../vocabulary.js';
import { defaultModelSettings as defaults } from './settings.js';
import { principalContradiction, standardDeviation, unitedFront } from './principal.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const days = (n: number): number => n * DAY_MS;
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}

describe('principalContradiction', () => {
  const issues = [
    { id: 'A', title: 'rent', openedAt: T - days(200), resolvedAt: null },
    { id: 'B', title: 'repairs', openedAt: T - days(200), resolvedAt: null },
    { id: 'C', title: 'heating', openedAt: T - days(200), resolvedAt: null },
    { id: 'D', title: 'deposit', openedAt: T - days(200), resolvedAt: T - days(1) },
  ];
  const members = Array.from({ length: 6 }, (_, i) => ({ id: `m${i}`, joinedAt: T - days(300), constituency: null }));
  const mark = (memberId: string, issueId: string) => ({ memberId, issueId, at: T - days(5) });
  const act = (memberId: string, ago: number) => ({ memberId, issueId: 'A', at: T - days(ago), kind: 'vote' as const, statementId: 's' });
  const facts = factsOf({
    issues,
    members,
    // A → B → C → B: a cycle between B and C adds nothing; D is resolved
    blocks: [{ blocker: 'A', blocked: 'B' }, { blocker: 'B', blocked: 'C' }, { blocker: 'C', blocked: 'B' }, { blocker: 'D', blocked: 'A' }],
    analyses: [{ id: 'x', issueId: 'C', at: T - days(10), consensus: [], representative: [], divisive: [], groupVotes: {}, groups: [{ id: 'g1', members: ['m0', 'm1', 'm2', 'm3'] }, { id: 'g2', members: ['m4', 'm5'] }] }],
    importance: [mark('m0', 'A'), mark('m1', 'A'), mark('m4', 'A'), mark('m0', 'B'), mark('m0', 'D')],
    // active in the last 90 days: m0, m1, m2, m4 (m3 acted 100 days ago)
    acts: [act('m0', 1), act('m1', 10), act('m2', 89), act('m4', 30), act('m3', 100)],
  });

  it('ranks by breadth, intensity and blocking, with reasons', () => {
    const p = principalContradiction(facts, T, defaults);
    expect(p.ranking.map((c) => c.issueId)).toEqual(['A', 'B', 'C']);
    const [a, b, c] = p.ranking;
    // breadth A = (2+1)/(4+2) · (1+1)/(2+2) = 1/2 · 1/2 = 1/4, per group √(1/4) = 1/2
    expect(a?.breadth.value).toBeCloseTo(0.25, 15);
    expect(a?.breadth.perGroupMean).toBeCloseTo(0.5, 15);
    // intensity A = 3 of 4 active; blocking A = {B, C} = 2 of the 2 other open issues
    expect(a?.intensity).toMatchObject({ value: 0.75, marked: 3, active: 4, basis: 'active' });
    expect(a?.blocking).toMatchObject({ value: 2, blocks: ['B', 'C'] });
    // score = (0.5 + 0.75 + 1)/3 = 0.75
    expect(a?.score).toBeCloseTo(0.75, 12);
    expect(a?.reasons.slice(0, 3)).toEqual([
      'blocks 2 open issues: repairs, heating',
      'marked important by 75 % of active members (3 of 4)',
      'breadth 0.25 = Π (marked + 1)/(size + 2) over 2 opinion groups: marked important by 2 of 4 in group g1, 1 of 2 in group g2',
    ]);
    // B: breadth 2/6 · 1/4 = 1/12, intensity 1/4, blocks C only: (√(1/12) + 0.25 + 0.5)/3
    expect(b?.score).toBeCloseTo((Math.sqrt(1 / 12) + 0.25 + 0.5) / 3, 12);
    expect(b?.blocking.blockedBy).toEqual(['A', 'C']);
    // C: nobody marked it: (√(1/24) + 0 + 0.5)/3
    expect(c?.score).toBeCloseTo((Math.sqrt(1 / 24) + 0.5) / 3, 12);
    expect(c?.reasons).toContain('marked important by none of 4 active members');
    expect(p.principal?.issueId).toBe('A');
  });

  it('without an analysis treats the membership as one group; without recent acts counts every member', () => {
    const p = principalContradiction({ ...facts, analyses: [], acts: [] }, T, defaults);
    const a = p.ranking.find((c) => c.issueId === 'A');
    // (3 + 1)/(6 + 2) = 1/2; intensity 3 of 6 members
    expect(a?.breadth).toMatchObject({ value: 0.5, analysisId: null });
    expect(a?.intensity).toMatchObject({ value: 0.5, basis: 'all' });
  });
});

describe('unitedFront', () => {
  const constituencyOf: Record<string, string | null> = { w0: 'worker', w1: 'worker', w2: 'worker', w3: 'worker', w4: 'worker', w5: 'worker', t0: 'tenant', t1: 'tenant', t2: 'tenant', s0: 'student', n0: null };
  const members = Object.entries(constituencyOf).map(([id, constituency]) => ({ id, joinedAt: T - days(100), constituency }));
  const answers = (version: string, at: number, list: Record<string, EndorsementKind>): EndorsementFact[] =>
    Object.entries(list).map(([memberId, kind]) => ({ memberId, lineVersionId: version, issueId: 'i1', at, kind }));
  const facts = factsOf({
    members,
    issues: [{ id: 'i1', title: 'rent', openedAt: T - days(50), resolvedAt: null }],
    lines: [1, 2, 3].map((n) => ({ id: `v${n}`, issueId: 'i1', number: n, publishedAt: T + days(10 * (n - 1)), claims: [] })),
    endorsements: [
      // worker 4/5 = 0.8, tenant 0/2
      ...answers('v1', T + 1, { w0: 'embrace', w1: 'embrace', w2: 'embrace', w3: 'embrace', w4: 'critique', t0: 'critique', t1: 'amend' }),
      // worker 0.8, tenant 1
      ...answers('v2', T + days(10) + 1, { w0: 'embrace', w1: 'embrace', w2: 'embrace', w3: 'embrace', w4: 'critique', t0: 'embrace', t1: 'embrace' }),
      // worker 5/6, tenant 2/3 (exactly the target), student 0/1
      ...answers('v3', T + days(20) + 1, { w0: 'embrace', w1: 'embrace', w2: 'embrace', w3: 'embrace', w4: 'embrace', w5: 'critique', t0: 'embrace', t1: 'embrace', t2: 'critique', s0: 'critique' }),
    ],
    analyses: [{
      id: 'x', issueId: 'i1', at: T + days(15), consensus: [], representative: [], divisive: ['s7', 's9'], groupVotes: {},
      groups: [{ id: 'g1', members: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'] }, { id: 'g2', members: ['t0', 't1', 't2', 's0'] }],
    }],
  });

  it('gathers the bloc, sets divisive statements aside, and tells mass from minority and steady from wavering', () => {
    const f = unitedFront(facts, 'i1', T + days(30), defaults);
    expect(f.lineVersionId).toBe('v3');
    // g1 5/6, g2 2/4 = 1/2 (the group target, met)
    expect(f.bloc.groups.map((g) => g.groupId)).toEqual(['g1', 'g2']);
    expect(f.bloc.constituencies.map((c) => c.constituency)).toEqual(['tenant', 'worker']);
    expect(f.setAside).toEqual(['s7', 's9']);
    // declared 10 over 3 constituencies: an equal share is 1/3; worker 6/10 mass, tenant 3/10 minority
    expect(f.constituencies.map((c) => [c.constituency, c.standing])).toEqual([['student', 'minority'], ['tenant', 'minority'], ['worker', 'mass']]);
    expect(f.constituencies.find((c) => c.constituency === 'worker')?.share).toBeCloseTo(6 / 11, 15);
    const tenant = f.constituencies.find((c) => c.constituency === 'tenant');
    // rates 0, 1, 2/3: σ = √(((0−5/9)² + (1−5/9)² + (2/3−5/9)²)/3) = 0.4157
    expect(tenant?.volatility).toBeCloseTo(standardDeviation([0, 1, 2 / 3]), 15);
    expect(tenant?.volatility).toBeCloseTo(0.41574, 5);
    expect(f.wavering).toEqual(['tenant']);
    // worker rates 0.8, 0.8, 5/6: σ = 0.0157 ≤ 0.15; student has one version only: neither
    expect(f.steady).toEqual(['worker']);
    expect(f.constituencies.find((c) => c.constituency === 'student')).toMatchObject({ volatility: null, wavering: false, steady: false, inBloc: false });
  });

  it('has no bloc without a line', () => {
    expect(unitedFront(facts, 'i1', T - 1, defaults)).toMatchObject({ lineVersionId: null, bloc: { groups: [], constituencies: [] } });
  });
});
