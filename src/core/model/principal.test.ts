import { describe, expect, it } from 'vitest';
import type { EndorsementFact, ModelFacts } from './facts.js';
import type { EndorsementKind } from '../vocabulary.js';
import { defaultModelSettings as defaults } from './settings.js';
import { percentInWords, principalContradiction, standardDeviation, unitedFront } from './principal.js';
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
  const constituencies = ['worker', 'worker', 'worker', 'tenant', 'tenant', null];
  const members = constituencies.map((constituency, i) => ({ id: `m${i}`, joinedAt: T - days(300), constituency }));
  const mark = (memberId: string, issueId: string) => ({ memberId, issueId, at: T - days(5) });
  const analysisOf = (id: string, issueId: string, at: number, groups: string[][]) => ({
    id,
    issueId,
    at,
    consensus: [],
    representative: [],
    divisive: [],
    groupVotes: {},
    groups: groups.map((ms, g) => ({ id: `g${g}`, members: ms })),
  });
  const facts = factsOf({
    issues,
    members,
    // A → B → C → B: a cycle between B and C adds nothing; D is resolved
    blocks: [
      { blocker: 'A', blocked: 'B' },
      { blocker: 'B', blocked: 'C' },
      { blocker: 'C', blocked: 'B' },
      { blocker: 'D', blocked: 'A' },
    ],
    analyses: [
      analysisOf('a1', 'A', T - days(20), [
        ['m0', 'm1', 'm2', 'm3'],
        ['m4', 'm5'],
      ]),
      // C's analysis is the organisation's latest: it must not be used for A or B
      analysisOf('c1', 'C', T - days(10), [['m0'], ['m1'], ['m2', 'm3', 'm4', 'm5']]),
    ],
    importance: [
      mark('m0', 'A'),
      mark('m1', 'A'),
      mark('m4', 'A'),
      mark('m0', 'B'),
      mark('m0', 'D'),
      mark('m0', 'C'),
      mark('m1', 'C'),
      mark('m2', 'C'),
      mark('m3', 'C'),
      mark('m4', 'C'),
    ],
  });

  it('ranks by blocking first, then breadth and intensity, with reasons in sentences', () => {
    const p = principalContradiction(facts, T, defaults);
    // C is the most popular (5 of 6) but blocks only B; A blocks B and C
    expect(p.ranking.map((c) => c.issueId)).toEqual(['A', 'C', 'B']);
    const [a, c, b] = p.ranking;
    expect(a?.blocking).toMatchObject({ value: 2, blocks: ['B', 'C'], blockedBy: [] });
    // A over its own groups: (2+1)/(4+2) · (1+1)/(2+2) = 1/4, per group 1/2
    expect(a?.breadth).toMatchObject({ analysisId: 'a1', over: 'opinion groups' });
    expect(a?.breadth.value).toBeCloseTo(0.25, 15);
    expect(a?.breadth.perGroupMean).toBeCloseTo(0.5, 15);
    // intensity: 3 of the 6 members joined
    expect(a?.intensity).toMatchObject({ value: 0.5, marked: 3, members: 6 });
    expect(a?.score).toBeCloseTo((0.5 + 0.5) / 2, 12);
    expect(a?.reasons).toEqual([
      'Blocks 2 open issues: heating, repairs',
      'No opinion group mostly marked it important (50 % of each opinion group)',
      'Marked important by 3 of 6 members (50 %)',
    ]);
    // B and C block each other: each blocks 1; C is more popular
    expect(c?.blocking).toMatchObject({ value: 1, blocks: ['B'], blockedBy: ['B'] });
    expect(b?.blocking).toMatchObject({ value: 1, blocks: ['C'], blockedBy: ['A', 'C'] });
    expect(c?.reasons).toEqual([
      'Blocks 1 open issue: repairs',
      '3 of 3 opinion groups mostly marked it important (between 75 % and 100 % of each opinion group)',
      'Marked important by 5 of 6 members (83 %)',
      'Waits on repairs, which must be resolved first',
    ]);
    expect(b?.reasons).toContain('Waits on heating, rent, which must be resolved first');
    expect(p.principal?.issueId).toBe('A');
  });

  it('puts an issue that blocks above a more popular one, whatever their popularity', () => {
    const everyone = members.map((m) => mark(m.id, 'C'));
    const p = principalContradiction({ ...facts, importance: everyone, blocks: [{ blocker: 'B', blocked: 'A' }] }, T, defaults);
    // nobody marked B, everyone marked C; B blocks A
    expect(p.ranking.map((c) => c.issueId)).toEqual(['B', 'C', 'A']);
    expect(p.ranking[0]?.intensity.value).toBe(0);
    expect(p.ranking[1]?.intensity.value).toBe(1);
  });

  it("measures breadth over the issue's own groups, or over constituencies where it has none, never another issue's", () => {
    const p = principalContradiction(facts, T, defaults);
    const c = p.ranking.find((x) => x.issueId === 'C');
    // C's own groups: m0 1/1, m1 1/1, m2..m5 3/4 marked: (2/3)(2/3)(4/6)
    expect(c?.breadth.analysisId).toBe('c1');
    expect(c?.breadth.value).toBeCloseTo((2 / 3) * (2 / 3) * (4 / 6), 15);
    // B has no analysis of its own: over constituencies (no constituency declared: m5; tenant: m3 m4; worker: m0 m1 m2)
    const b = p.ranking.find((x) => x.issueId === 'B');
    expect(b?.breadth).toMatchObject({ analysisId: null, over: 'constituencies' });
    expect(b?.breadth.groups.map((g) => [g.groupId, g.size, g.marked])).toEqual([
      ['no constituency declared', 1, 0],
      ['tenant', 2, 0],
      ['worker', 3, 1],
    ]);
    expect(b?.breadth.value).toBeCloseTo((1 / 3) * (1 / 4) * (2 / 5), 15);
    expect(b?.reasons).toContain('No constituency mostly marked it important (between 0 % and 33 % of each constituency)');
    // a newer analysis of another issue changes neither
    const later = { ...facts, analyses: [...facts.analyses, analysisOf('a2', 'A', T - days(1), [['m0'], ['m1', 'm2', 'm3', 'm4', 'm5']])] };
    const again = principalContradiction(later, T, defaults);
    expect(again.ranking.find((x) => x.issueId === 'C')?.breadth).toEqual(c?.breadth);
    expect(again.ranking.find((x) => x.issueId === 'B')?.breadth).toEqual(b?.breadth);
    expect(again.ranking.find((x) => x.issueId === 'A')?.breadth.analysisId).toBe('a2');
  });

  it('counts marks of members joined by t only, and says so when nobody marked it', () => {
    const p = principalContradiction({ ...facts, importance: [], analyses: [] }, T, defaults);
    const a = p.ranking.find((c) => c.issueId === 'A');
    expect(a?.intensity).toMatchObject({ value: 0, marked: 0, members: 6 });
    expect(a?.reasons).toContain('No member has marked it important yet');
    const late = principalContradiction(
      { ...facts, members: [...members, { id: 'late', joinedAt: T + 1, constituency: null }], importance: [mark('late', 'A')] },
      T,
      defaults,
    );
    expect(late.ranking.find((c) => c.issueId === 'A')?.intensity).toMatchObject({ marked: 0, members: 6 });
  });

  it("counts the masses' marks only: an organiser's mark is not intensity, nor the leadership in its denominator", () => {
    const organiser = { id: 'o1', joinedAt: T - days(300), constituency: 'worker', roles: [{ role: 'organiser' as const, from: T - days(300) }] };
    // m5 was an organiser until 10 days ago: a member now, so counted
    const returned = {
      ...members[5]!,
      roles: [
        { role: 'organiser' as const, from: T - days(300) },
        { role: 'member' as const, from: T - days(10) },
      ],
    };
    const p = principalContradiction(
      { ...facts, members: [...members.slice(0, 5), returned, organiser], importance: [...facts.importance, mark('o1', 'B'), mark('m5', 'B')] },
      T,
      defaults,
    );
    const b = p.ranking.find((c) => c.issueId === 'B');
    expect(b?.intensity).toMatchObject({ marked: 2, members: 6 });
    expect(b?.breadth.groups.find((g) => g.groupId === 'worker')).toMatchObject({ size: 3, marked: 1 });
  });

  it('writes shares as people read them, never 0 % for some nor 100 % for not all', () => {
    expect([0, 0.001, 0.004, 0.005, 0.3333, 0.994, 0.996, 1].map(percentInWords)).toEqual([
      '0 %',
      'under 1 %',
      'under 1 %',
      '1 %',
      '33 %',
      '99 %',
      'over 99 %',
      '100 %',
    ]);
    const many = Array.from({ length: 400 }, (_, i) => ({ id: `x${i}`, joinedAt: T - days(300), constituency: null }));
    const p = principalContradiction({ ...facts, members: many, analyses: [], importance: [mark('x1', 'A')] }, T, defaults);
    expect(p.ranking.find((c) => c.issueId === 'A')?.reasons).toContain('Marked important by 1 of 400 members (under 1 %)');
  });

  it('says nothing in formulas', () => {
    const p = principalContradiction(facts, T, defaults);
    for (const text of [p.how, ...p.ranking.flatMap((c) => [...c.reasons, c.breadth.how, c.intensity.how, c.blocking.how])]) {
      expect(text).not.toMatch(/[Π=^/]|score|\d\.\d/);
    }
  });
});

describe('unitedFront', () => {
  const constituencyOf: Record<string, string | null> = { s0: 'student', n0: null, p0: 'pensioner', p1: 'pensioner' };
  for (let i = 0; i < 6; i++) constituencyOf[`w${i}`] = 'worker';
  for (let i = 0; i < 7; i++) constituencyOf[`t${i}`] = 'tenant';
  const members = Object.entries(constituencyOf).map(([id, constituency]) => ({ id, joinedAt: T - days(100), constituency }));
  const answers = (version: string, at: number, list: Record<string, EndorsementKind>): EndorsementFact[] =>
    Object.entries(list).map(([memberId, kind]) => ({ memberId, lineVersionId: version, issueId: 'i1', at, kind }));
  const workers = { w0: 'embrace', w1: 'embrace', w2: 'embrace', w3: 'embrace', w4: 'critique' } as const;
  const facts = factsOf({
    members,
    issues: [{ id: 'i1', title: 'rent', openedAt: T - days(50), resolvedAt: null }],
    lines: [1, 2, 3].map((n) => ({ id: `v${n}`, issueId: 'i1', number: n, publishedAt: T + days(10 * (n - 1)), claims: [] })),
    endorsements: [
      // worker 4/5 = 0.8, tenant 0/5, pensioner 1/2
      ...answers('v1', T + 1, { ...workers, t0: 'critique', t1: 'amend', t2: 'critique', t3: 'critique', t4: 'critique', p0: 'embrace', p1: 'critique' }),
      // worker 0.8, tenant 5/5, pensioner 0/2
      ...answers('v2', T + days(10) + 1, {
        ...workers,
        t0: 'embrace',
        t1: 'embrace',
        t2: 'embrace',
        t3: 'embrace',
        t4: 'embrace',
        p0: 'critique',
        p1: 'critique',
      }),
      // worker 5/6, tenant 4/6 (exactly the target), student 0/1, pensioner 1/1
      ...answers('v3', T + days(20) + 1, {
        ...workers,
        w4: 'embrace',
        w5: 'critique',
        t0: 'embrace',
        t1: 'embrace',
        t2: 'embrace',
        t3: 'embrace',
        t4: 'critique',
        t5: 'critique',
        s0: 'critique',
        p0: 'embrace',
      }),
    ],
    analyses: [
      {
        id: 'x',
        issueId: 'i1',
        at: T + days(15),
        consensus: [],
        representative: [],
        divisive: ['s7', 's9'],
        groupVotes: {},
        groups: [
          { id: 'g1', members: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'] },
          { id: 'g2', members: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 's0', 'p0', 'p1'] },
          { id: 'g3', members: ['n0'] },
        ],
      },
    ],
  });

  it('gathers the bloc, sets divisive statements aside, and tells mass from minority and steady from wavering', () => {
    const f = unitedFront(facts, 'i1', T + days(30), defaults);
    expect(f.lineVersionId).toBe('v3');
    // g1 5/6; g2 5/8 (tenants t0–t3 and p0 of 8 responders); g3 not heard
    expect(f.bloc.groups.map((g) => g.groupId)).toEqual(['g1', 'g2']);
    // pensioner 1/1 and student are not yet heard
    expect(f.bloc.constituencies.map((c) => c.constituency)).toEqual(['tenant', 'worker']);
    expect(f.setAside).toEqual(['s7', 's9']);
    // declared 16 over 4 constituencies: an equal share is 4; worker 6 and tenant 7 mass
    expect(f.constituencies.map((c) => [c.constituency, c.standing])).toEqual([
      ['pensioner', 'minority'],
      ['student', 'minority'],
      ['tenant', 'mass'],
      ['worker', 'mass'],
    ]);
    expect(f.constituencies.find((c) => c.constituency === 'worker')?.share).toBeCloseTo(6 / 17, 15);
    const tenant = f.constituencies.find((c) => c.constituency === 'tenant');
    // rates 0, 1, 2/3 over 5, 5 and 6 responders: σ = √(((0−5/9)² + (1−5/9)² + (2/3−5/9)²)/3) = 0.4157
    expect(tenant?.volatility).toBeCloseTo(standardDeviation([0, 1, 2 / 3]), 15);
    expect(tenant?.volatility).toBeCloseTo(0.41574, 5);
    expect(f.wavering).toEqual(['tenant']);
    // worker rates 0.8, 0.8, 5/6: σ = 0.0157 ≤ 0.15
    expect(f.steady).toEqual(['worker']);
    // student has one version only: neither; pensioner swings 1/2, 0, 1 but over 2, 2 and 1 responders: too few to tell
    expect(f.constituencies.find((c) => c.constituency === 'student')).toMatchObject({
      volatility: null,
      wavering: false,
      tooFewToTell: false,
      steady: false,
      inBloc: false,
    });
    expect(f.constituencies.find((c) => c.constituency === 'pensioner')).toMatchObject({
      volatility: null,
      wavering: false,
      tooFewToTell: true,
      steady: false,
    });
    expect(f.how).toContain('too few to tell (under 5 responders in a version): pensioner');
  });

  it('flags wavering only over at least 5 responders in each version compared', () => {
    // the tenants' v1 answers from 4 responders only: v1 drops out, leaving 1 and 2/3 (σ = 1/6 > 0.15)
    const fewer = { ...facts, endorsements: facts.endorsements.filter((e) => !(e.lineVersionId === 'v1' && e.memberId === 't4')) };
    const tenant = unitedFront(fewer, 'i1', T + days(30), defaults).constituencies.find((c) => c.constituency === 'tenant');
    expect(tenant?.rates.map((r) => [r.number, r.responders])).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(tenant?.volatility).toBeCloseTo(1 / 6, 15);
    expect(tenant?.wavering).toBe(true);
    // and with v2 from 4 as well, only one version is heard: too few to tell
    const fewest = { ...fewer, endorsements: fewer.endorsements.filter((e) => !(e.lineVersionId === 'v2' && e.memberId === 't4')) };
    const again = unitedFront(fewest, 'i1', T + days(30), defaults).constituencies.find((c) => c.constituency === 'tenant');
    expect(again).toMatchObject({ volatility: null, wavering: false, tooFewToTell: true });
  });

  it('has no bloc without a line', () => {
    expect(unitedFront(facts, 'i1', T - 1, defaults)).toMatchObject({ lineVersionId: null, bloc: { groups: [], constituencies: [] } });
  });
});
