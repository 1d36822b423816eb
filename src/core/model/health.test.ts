import { describe, expect, it } from 'vitest';
import type { ActFact, ModelFacts } from './facts.js';
import { defaultModelSettings as defaults } from './settings.js';
import { characterOf, decay, issueHealthAt, organisationHealthAt, practiceAt, practiceSufficiencyFor, practiceTerms, pureLogicAt } from './health.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const days = (n: number): number => n * DAY_MS;

function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const vote = (memberId: string, statementId: string, at: number, issueId = 'i1'): ActFact => ({ memberId, issueId, at, kind: 'vote', statementId });
const wrote = (memberId: string, statementId: string, at: number, issueId = 'i1'): ActFact => ({ memberId, issueId, at, kind: 'statement', statementId });
const endorsed = (memberId: string, at: number, issueId = 'i1'): ActFact => ({ memberId, issueId, at, kind: 'endorsement', statementId: null });
// Each report by its own member: a member's reports on one claim count once (MODEL.md v2 §3).
const report = (id: string, at: number, issueId = 'i1') => ({ id, issueId, memberId: `reporter-${id}`, at, claimId: null, verdict: null });
const claims = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, text: `claim ${i}`, cites: [] }));
const members = (n: number, joinedAt = T - days(1000)) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, joinedAt, constituency: null }));

describe('the defaults of MODEL.md §3', () => {
  it('are pinned', () => {
    expect(defaults.fullConsultationActs).toBe(7); // k
    expect(defaults.reportWeight).toBe(3); // α
    expect(defaults.halfLifeDays).toBe(180); // h
    expect(defaults.logicSufficiency).toBe(3); // L₀
    expect(defaults.practiceSufficiencyFloor).toBe(10); // P₀ floor
    expect(defaults.practiceSufficiencyShare).toBe(0.1); // P₀ share of members
    expect(defaults.beta).toBe(2); // β
    expect(defaults.embraceTarget).toBe(2 / 3);
    expect(defaults.groupEmbraceTarget).toBe(1 / 2);
  });
});

describe('decay', () => {
  it('halves every h days', () => {
    expect(decay(0, 180)).toBe(1);
    expect(decay(days(180), 180)).toBe(0.5);
    expect(decay(days(360), 180)).toBe(0.25);
    // 2^(−90/180) = 1/√2 = 0.70710678…
    expect(decay(days(90), 180)).toBeCloseTo(Math.SQRT1_2, 15);
  });
  it('is 1 forever with h = ∞ (the essay: practice stands still)', () => {
    expect(decay(days(10_000), Infinity)).toBe(1);
    expect(decay(Infinity, Infinity)).toBe(1);
  });
});

describe('practice P(t)', () => {
  it('a member with 3 distinct votes 90 days ago, h = 180: 2^(−0.5)·3/7 = 0.30305', () => {
    const facts = factsOf({ acts: [vote('a', 's1', T - days(95)), vote('a', 's2', T - days(92)), vote('a', 's3', T - days(90))] });
    // last_a = T − 90 d; acts_a = 3; 0.70710678 × 0.42857143 = 0.30304576
    expect(practiceAt(facts, 'i1', T, defaults).value).toBeCloseTo(0.30304576336566325, 12);
  });

  it('a changed vote counts once, and last_m is the latest cast (changes included)', () => {
    const facts = factsOf({ acts: [vote('a', 's1', T - days(100)), vote('a', 's2', T - days(95)), vote('a', 's1', T - days(90))] });
    // acts_a = 2 (s1, s2), last_a = T − 90 d: 2^(−0.5)·2/7 = 0.20203051
    const terms = practiceTerms(facts, new Set(['i1']), T, defaults).members[0];
    expect(terms?.acts).toBe(2);
    expect(terms?.lastActAt).toBe(T - days(90));
    expect(practiceAt(facts, 'i1', T, defaults).value).toBeCloseTo(0.20203050891044214, 12);
  });

  it('a member who only passed has taken part: one pass at t is 1/7', () => {
    const facts = factsOf({ acts: [vote('p', 's1', T)] });
    // decay(0) = 1; min(1, 1/7) = 0.142857…
    expect(practiceAt(facts, 'i1', T, defaults).value).toBeCloseTo(1 / 7, 15);
  });

  it('counts statements written and endorsements, each once', () => {
    // wrote s1 and voted on it (2 acts), endorsed twice (2 acts): acts = 4, all at t − 180 d: 0.5 × 4/7 = 0.285714
    const facts = factsOf({
      acts: [wrote('a', 's1', T - days(200)), vote('a', 's1', T - days(190)), endorsed('a', T - days(185)), endorsed('a', T - days(180))],
    });
    const terms = practiceTerms(facts, new Set(['i1']), T, defaults).members[0];
    expect(terms).toMatchObject({ acts: 4, statementsVotedOn: 1, statementsWritten: 1, endorsements: 2, engagement: 4 / 7 });
    expect(practiceAt(facts, 'i1', T, defaults).value).toBeCloseTo(0.5 * (4 / 7), 15);
  });

  it('caps a member at 1 once k = 7 acts are reached', () => {
    const acts = Array.from({ length: 10 }, (_, i) => vote('a', `s${i}`, T));
    expect(practiceAt(factsOf({ acts }), 'i1', T, defaults).value).toBe(1);
  });

  it('weighs a report α = 3, decayed: one at t counts 3, one 180 days ago 1.5', () => {
    const facts = factsOf({ reports: [report('r1', T), report('r2', T - days(180))] });
    const p = practiceAt(facts, 'i1', T, defaults);
    expect(p.value).toBe(4.5);
    expect(p.terms).toMatchObject({ reports: 2, reportWeight: 4.5, memberTerms: 0, memberWeight: 0 });
  });

  it('counts facts at exactly t, never after t, never on another issue', () => {
    const facts = factsOf({ acts: [vote('a', 's1', T), vote('b', 's1', T + 1), vote('c', 's1', T, 'i2')], reports: [report('r1', T + 1)] });
    expect(practiceAt(facts, 'i1', T, defaults).value).toBeCloseTo(1 / 7, 15);
  });

  it('with h = ∞ nothing fades: 3 votes long ago give 3/7, a report 3', () => {
    const facts = factsOf({
      acts: [vote('a', 's1', T - days(3000)), vote('a', 's2', T - days(3000)), vote('a', 's3', T - days(3000))],
      reports: [report('r1', T - days(3000))],
    });
    expect(practiceAt(facts, 'i1', T, { ...defaults, halfLifeDays: Infinity }).value).toBeCloseTo(3 / 7 + 3, 15);
  });

  it('says how it was computed', () => {
    // 12 members at 7 acts 180 days ago: 12 × 0.5 = 6; one report at t: 3. P = 9
    const acts = Array.from({ length: 12 }, (_, m) => Array.from({ length: 7 }, (_, s) => vote(`m${m}`, `s${s}`, T - days(180)))).flat();
    const p = practiceAt(factsOf({ acts, reports: [report('r1', T)] }), 'i1', T, defaults);
    expect(p.value).toBeCloseTo(9, 12);
    expect(p.how).toBe('P = 9 = 6 from 12 members + 3 from 1 report (k = 7, α = 3, h = 180 days)');
    expect(p.terms).toMatchObject({ members: 12, memberTerms: 12, reports: 1 });
  });

  it('is 0 with no practice', () => {
    expect(practiceAt(factsOf({}), 'i1', T, defaults).value).toBe(0);
  });
});

describe('pure logic L(t)', () => {
  const lines = [
    { id: 'v1', issueId: 'i1', number: 1, publishedAt: T - days(10), claims: claims(4) },
    { id: 'v2', issueId: 'i1', number: 2, publishedAt: T, claims: claims(2) },
  ];
  it('is the claims of the latest version published at or before t', () => {
    expect(pureLogicAt(factsOf({ lines }), 'i1', T - days(11)).value).toBe(0);
    expect(pureLogicAt(factsOf({ lines }), 'i1', T - days(1)).value).toBe(4);
    expect(pureLogicAt(factsOf({ lines }), 'i1', T).value).toBe(2);
    expect(pureLogicAt(factsOf({ lines }), 'i1', T).how).toBe('L = 2: 2 claims in version 2');
  });
  it('is 0 for an issue with no claims', () => {
    expect(pureLogicAt(factsOf({}), 'i1', T)).toMatchObject({ value: 0, how: 'L = 0: no line version published yet' });
  });
});

describe('practice sufficiency P₀ = max(10, 10 % of members joined by t)', () => {
  it('is the floor up to 100 members, the share above', () => {
    expect(practiceSufficiencyFor(0, defaults)).toMatchObject({ value: 10, terms: { basis: 'floor' } });
    expect(practiceSufficiencyFor(100, defaults)).toMatchObject({ value: 10, terms: { basis: 'floor' } });
    expect(practiceSufficiencyFor(150, defaults).value).toBeCloseTo(15, 12);
    expect(practiceSufficiencyFor(150, defaults).terms.basis).toBe('share');
  });
  it('counts only members joined by t', () => {
    const facts = factsOf({ members: [...members(150, T - days(5)), ...members(50, T + 1).map((m) => ({ ...m, id: `late${m.id}` }))] });
    expect(issueHealthAt(facts, 'i1', T, defaults).practiceSufficiency.terms.membersJoined).toBe(150);
  });
});

describe('the four characters', () => {
  const beta = 2;
  it('fool: ℓ < 1 and π < 1', () => {
    expect(characterOf(0.99, 0.99, beta)).toBe('fool');
    expect(characterOf(0, 0, beta)).toBe('fool');
    expect(characterOf(0, 0.5, beta)).toBe('fool');
    expect(characterOf(1, 0.99, beta)).toBe('correct'); // ℓ = 1 is enough logic: π/ℓ = 0.99
    expect(characterOf(0.5, 1, beta)).toBe('correct'); // π = 1 is enough practice: π/ℓ = 2
  });
  it('left-communist: π/ℓ < 1/β; exactly 1/β is correct', () => {
    expect(characterOf(1, 0.5, beta)).toBe('correct');
    expect(characterOf(2, 1, beta)).toBe('correct');
    expect(characterOf(1, 0.4999, beta)).toBe('left-communist');
    expect(characterOf(3, 1, beta)).toBe('left-communist');
  });
  it('empiricist: π/ℓ > β; exactly β is correct; ℓ = 0 counts as ∞', () => {
    expect(characterOf(1, 2, beta)).toBe('correct');
    expect(characterOf(1, 2.0001, beta)).toBe('empiricist');
    expect(characterOf(0, 1, beta)).toBe('empiricist');
    expect(characterOf(0, 50, beta)).toBe('empiricist');
  });
  it('correct in between', () => {
    expect(characterOf(1, 1, beta)).toBe('correct');
    expect(characterOf(10, 12, beta)).toBe('correct');
  });
});

describe('issueHealthAt', () => {
  const sevenActs = (memberId: string, at: number) => Array.from({ length: 7 }, (_, s) => vote(memberId, `s${s}`, at));
  it('works through a correct line: L = 3, P = 15 → ℓ = 1, π = 1.5', () => {
    const facts = factsOf({
      members: members(40),
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T - days(1), claims: claims(3) }],
      reports: [1, 2, 3, 4, 5].map((n) => report(`r${n}`, T)), // 5 × 3 = 15
    });
    const h = issueHealthAt(facts, 'i1', T, defaults);
    expect(h).toMatchObject({ l: 1, pi: 1.5, practicePerLogic: 1.5, character: 'correct' });
    expect(h.how).toBe('ℓ = L/L₀ = 3/3 = 1; π = P/P₀ = 15/10 = 1.5; π/ℓ = 1.5 within [1/β, β] = [0.5, 2]: correct');
  });
  it('works through a left-communist line: 9 claims, 4 fully consulted members 180 days ago', () => {
    // L = 9 → ℓ = 3; P = 4 × 0.5 = 2 → π = 0.2; π/ℓ = 0.0667 < 0.5
    const facts = factsOf({
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T - days(1), claims: claims(9) }],
      acts: ['a', 'b', 'c', 'd'].flatMap((m) => sevenActs(m, T - days(180))),
    });
    expect(issueHealthAt(facts, 'i1', T, defaults)).toMatchObject({ l: 3, pi: 0.2, character: 'left-communist' });
  });
  it('an issue with no claims and no practice is a fool; with practice alone an empiricist', () => {
    expect(issueHealthAt(factsOf({}), 'i1', T, defaults)).toMatchObject({ l: 0, pi: 0, character: 'fool', practicePerLogic: Infinity });
    const facts = factsOf({ acts: Array.from({ length: 10 }, (_, m) => sevenActs(`m${m}`, T)).flat() });
    expect(issueHealthAt(facts, 'i1', T, defaults)).toMatchObject({ l: 0, pi: 1, character: 'empiricist' });
  });
});

describe('organisationHealthAt', () => {
  it('sums L and P over the issues open at t', () => {
    const issue = (id: string, openedAt: number, resolvedAt: number | null) => ({ id, title: id, openedAt, resolvedAt });
    const facts = factsOf({
      issues: [issue('i1', T - days(50), null), issue('i2', T - days(50), T + days(1)), issue('i3', T - days(50), T), issue('i4', T + 1, null)],
      lines: ['i1', 'i2', 'i3', 'i4'].map((issueId, n) => ({ id: `v${n}`, issueId, number: 1, publishedAt: T - days(1), claims: claims(2) })),
      reports: ['i1', 'i2', 'i3', 'i4'].map((issueId, n) => report(`r${n}`, T, issueId)),
      acts: [vote('a', 's1', T, 'i1'), vote('a', 's2', T, 'i2')],
    });
    // open at T: i1, i2 (i3 resolved at T, i4 opens after). L = 4, P = 2 × 3 + 2 × 1/7
    const h = organisationHealthAt(facts, T, defaults);
    expect(h.issueId).toBeNull();
    expect(h.pureLogic.value).toBe(4);
    expect(h.practice.value).toBeCloseTo(6 + 2 / 7, 12);
    expect(h.practice.terms).toMatchObject({ memberTerms: 2, members: 1, reports: 2 });
    expect(h.practice.how).toContain('2 member terms (1 member across 2 issues)');
  });
});

describe("practice is the masses' (MODEL.md v2 §3)", () => {
  const member = (id: string) => ({ id, joinedAt: T - days(100), constituency: null });
  const organiser = (id: string) => ({ id, joinedAt: T - days(100), constituency: null, roles: [{ role: 'organiser' as const, from: T - days(100) }] });
  const cast = (memberId: string, statementId: string, at: number, value: -1 | 0 | 1, carriedFrom: string | null = null): ActFact => ({
    memberId,
    issueId: 'i1',
    at,
    kind: 'vote',
    statementId,
    value,
    carriedFrom,
  });
  const answered = (memberId: string, lineVersionId: string, at: number): ActFact => ({
    memberId,
    issueId: 'i1',
    at,
    kind: 'endorsement',
    statementId: null,
    lineVersionId,
  });
  const tookPart = (memberId: string, actionId: string, at: number): ActFact => ({ memberId, issueId: 'i1', at, kind: 'action', statementId: null, actionId });
  const reportOn = (id: string, memberId: string, claimId: string | null, at: number) => ({
    id,
    issueId: 'i1',
    memberId,
    at,
    claimId,
    verdict: 'refutes' as const,
  });
  const masses = Array.from({ length: 120 }, (_, i) => member(`m${i}`));

  it("an organiser's vote, statement, answer and report change no P and no P₀", () => {
    const base = factsOf({ members: [...masses, organiser('o')], acts: [cast('m0', 's1', T, 1)] });
    const before = issueHealthAt(base, 'i1', T, defaults);
    // P = 1/7 from m0's one vote; P₀ = max(10, 10 % of 120 members) = 12: the organiser is not in it
    expect(before.practice.value).toBeCloseTo(1 / 7, 12);
    expect(before.practiceSufficiency.value).toBe(12);
    const busy = factsOf({
      members: base.members,
      acts: [...base.acts, cast('o', 's1', T, 1), { memberId: 'o', issueId: 'i1', at: T, kind: 'statement', statementId: 's2' }, answered('o', 'v1', T)],
      reports: [reportOn('ro1', 'o', 'c1', T), reportOn('ro2', 'o', 'c2', T), reportOn('ro3', 'o', 'c3', T), reportOn('ro4', 'o', null, T)],
    });
    const after = issueHealthAt(busy, 'i1', T, defaults);
    expect(after.practice.value).toBe(before.practice.value);
    expect(after.practiceSufficiency.value).toBe(12);
    expect(after.pi).toBe(before.pi);
    // shown apart, never as practice
    expect(after.practice.terms.leadership).toEqual({ acts: 3, reports: 4, members: 1 });
    expect(after.practice.how).toBe(
      "P = 0.14 = 0.14 from 1 member + 0 from 0 reports (k = 7, α = 3, h = 180 days); not counted: the leadership's own 3 acts and 4 reports",
    );
  });

  it('decides by the role at the time of the act: a member who became an organiser keeps what they did as a member', () => {
    const promoted = {
      ...member('p'),
      roles: [
        { role: 'member' as const, from: T - days(100) },
        { role: 'organiser' as const, from: T - days(10) },
      ],
    };
    const facts = factsOf({
      members: [...masses.slice(0, 99), promoted],
      acts: [cast('p', 's1', T - days(20), 1), cast('p', 's2', T - days(5), 1)],
      reports: [reportOn('r1', 'p', 'c1', T - days(20)), reportOn('r2', 'p', 'c2', T - days(5))],
    });
    const terms = practiceTerms(facts, new Set(['i1']), T, defaults);
    expect(terms.members).toMatchObject([{ memberId: 'p', acts: 1, lastActAt: T - days(20) }]);
    expect(terms.reports.map((r) => r.reportId)).toEqual(['r1']);
    expect(terms.leadership).toEqual({ acts: 1, reports: 1, members: 1 });
    // P₀ counts the masses at t: 100 members before the promotion (10), 99 after (still the floor); with 150 the share shows it
    const many = [...masses, ...Array.from({ length: 29 }, (_, i) => member(`n${i}`)), promoted];
    expect(issueHealthAt(factsOf({ members: many }), 'i1', T - days(11), defaults).practiceSufficiency.value).toBeCloseTo(15, 12);
    expect(issueHealthAt(factsOf({ members: many }), 'i1', T, defaults).practiceSufficiency.value).toBeCloseTo(14.9, 12);
  });

  it("a member's ten identical reports on one claim count once, dated at the latest", () => {
    const ten = Array.from({ length: 10 }, (_, i) => reportOn(`r${i}`, 'm0', 'c1', T - days(180) + days(i * 20)));
    const p = practiceAt(factsOf({ members: masses, reports: ten }), 'i1', T, defaults);
    // one α = 3, decayed from the latest report at T − 0 days (i = 9: T − 180 + 180)
    expect(p.terms.reports).toBe(1);
    expect(p.value).toBeCloseTo(3, 12);
    // before the last one: dated at the one before it, T − 20 days
    expect(practiceAt(factsOf({ members: masses, reports: ten }), 'i1', T - 1, defaults).value).toBeCloseTo(3 * 2 ** (-(days(20) - 1) / days(180)), 9);
    // reports on two claims count twice; reports naming no claim count once per member
    const two = [reportOn('a', 'm0', 'c1', T), reportOn('b', 'm0', 'c2', T), reportOn('c', 'm0', null, T), reportOn('d', 'm0', null, T)];
    expect(practiceAt(factsOf({ members: masses, reports: two }), 'i1', T, defaults).value).toBe(9);
  });

  it('a repeated identical vote is no act: it neither counts nor moves last_m', () => {
    const once = [cast('m0', 's1', T - days(180), 1)];
    const repeated = [...once, cast('m0', 's1', T, 1)];
    const p = practiceAt(factsOf({ members: masses, acts: repeated }), 'i1', T, defaults);
    expect(p.value).toBeCloseTo((1 / 7) * 0.5, 12);
    expect(practiceTerms(factsOf({ members: masses, acts: repeated }), new Set(['i1']), T, defaults).members[0]).toMatchObject({
      acts: 1,
      lastActAt: T - days(180),
    });
    // a changed vote is still one statement voted on, and moves last_m
    const changed = [...once, cast('m0', 's1', T, -1)];
    expect(practiceTerms(factsOf({ members: masses, acts: changed }), new Set(['i1']), T, defaults).members[0]).toMatchObject({ acts: 1, lastActAt: T });
  });

  it('an answer changed on the same version is one act; a changed answer moves last_m', () => {
    const acts = [answered('m0', 'v1', T - days(180)), answered('m0', 'v1', T), answered('m1', 'v1', T), answered('m1', 'v2', T)];
    const terms = practiceTerms(factsOf({ members: masses, acts }), new Set(['i1']), T, defaults);
    expect(terms.members.map((m) => [m.memberId, m.endorsements, m.acts, m.lastActAt])).toEqual([
      ['m0', 1, 1, T],
      ['m1', 2, 2, T],
    ]);
  });

  it('a merge leaves every member P unchanged: carried votes are no acts', () => {
    // m0 and m1 voted on the duplicate d 180 days ago; the merge at T carries their votes to s.
    const acts = [cast('m0', 'd', T - days(180), 1), cast('m1', 'd', T - days(180), -1), cast('m2', 's', T - days(180), 1)];
    const merged = [...acts, cast('m0', 's', T, 1, 'd'), cast('m1', 's', T, -1, 'd')];
    const before = practiceTerms(factsOf({ members: masses, acts }), new Set(['i1']), T, defaults);
    const after = practiceTerms(factsOf({ members: masses, acts: merged }), new Set(['i1']), T, defaults);
    expect(after.members).toEqual(before.members);
    expect(practiceAt(factsOf({ members: masses, acts: merged }), 'i1', T, defaults).value).toBeCloseTo((3 / 7) * 0.5, 12);
    // the carried vote is the member's current value: voting it again is no act either
    const again = [...merged, cast('m0', 's', T, 1)];
    expect(practiceTerms(factsOf({ members: masses, acts: again }), new Set(['i1']), T, defaults).members).toEqual(before.members);
  });

  it('joining an action is an act, once per action', () => {
    const acts = [tookPart('m0', 'a1', T), tookPart('m0', 'a2', T), tookPart('m0', 'a2', T)];
    const terms = practiceTerms(factsOf({ members: masses, acts }), new Set(['i1']), T, defaults);
    expect(terms.members[0]).toMatchObject({ acts: 2, actions: 2, engagement: 2 / 7 });
    expect(practiceAt(factsOf({ members: masses, acts }), 'i1', T, defaults).value).toBeCloseTo(2 / 7, 12);
  });
});

describe('the terms of P at the present, kept per facts', () => {
  it('equal, at every instant, the terms counted from the acts up to it alone', () => {
    const acts: ActFact[] = [];
    for (let i = 0; i < 300; i++) {
      const at = T - days(300 - i);
      const memberId = `m${(i * 7) % 5}`;
      const issueId = i % 3 === 0 ? 'i2' : 'i1';
      acts.push(i % 4 === 0 ? wrote(memberId, `w${i}`, at, issueId) : { ...vote(memberId, `s${i % 11}`, at, issueId), value: ((i % 3) - 1) as -1 | 0 | 1 });
    }
    const all = factsOf({ members: members(5), acts });
    for (const at of [T - days(299), T - days(200), T - days(150.5), T - days(1), T, T + days(30)]) {
      for (const issues of [new Set(['i1']), new Set(['i2']), new Set(['i1', 'i2'])]) {
        const upTo = factsOf({ members: members(5), acts: acts.filter((a) => a.at <= at) });
        // Asked twice of the same facts (the second time from what the first kept), and of the acts up to t alone.
        const first = practiceTerms(all, issues, at, defaults);
        expect(practiceTerms(all, issues, at, defaults)).toEqual(first);
        expect(first).toEqual(practiceTerms(upTo, issues, at, defaults));
        expect(first.members.length).toBeGreaterThan(0);
      }
    }
  });
});
