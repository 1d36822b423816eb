import { describe, expect, it } from 'vitest';
import type { ActFact, ModelFacts, ReportFact } from './facts.js';
import { defaultModelSettings as defaults } from './settings.js';
import { forecastCrossing, forecastIssueAt, forecastOrganisationAt, pureLogicTrend, whatIf } from './forecast.js';
import { issueHealthAt } from './health.js';
import { DAY_MS, HOUR_MS, WEEK_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const days = (n: number): number => n * DAY_MS;
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const claims = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${n}-${i}`, text: `claim ${i}`, cites: [] }));
const line = (id: string, publishedAt: number, n: number, issueId = 'i1') => ({
  id,
  issueId,
  number: Number(id.slice(1)) || 1,
  publishedAt,
  claims: claims(n),
});
/** n reports, each by a different member (one member's reports on a claim count once). */
const reports = (n: number, at: number, issueId = 'i1'): ReportFact[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${issueId}r${i}@${at}`, issueId, memberId: `reporter${i}`, at, claimId: null, verdict: null }));
const consulted = (memberId: string, at: number, issueId = 'i1'): ActFact[] =>
  Array.from({ length: 7 }, (_, s) => ({ memberId, issueId, at, kind: 'vote', statementId: `s${s}` }));

/** The first hour strictly past Δ* (at Δ* itself π/ℓ = 1/β, which is still correct). */
const firstHourAfter = (deltaMs: number): number => (Number.isInteger(deltaMs / HOUR_MS) ? deltaMs / HOUR_MS + 1 : Math.ceil(deltaMs / HOUR_MS));

describe('forecast with no new consultation', () => {
  it('crosses into left-communist at Δ* = h·log2(P·L₀·β/(P₀·L)) when L has no trend (to the hour)', () => {
    // L = 3 since long ago (no trend); P = 5 reports × 3 = 15; P₀ = 10.
    // Δ* = 180·log2(15·3·2/(10·3)) = 180·log2(3) days = 285.293 days = 6847.04 h → first hour 6848
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T) });
    const f = forecastIssueAt(facts, 'i1', T, defaults);
    const deltaStar = 180 * Math.log2((15 * 3 * 2) / (10 * 3)) * DAY_MS;
    expect(firstHourAfter(deltaStar)).toBe(6848);
    expect(f).toMatchObject({ already: false, into: 'left-communist', at: T + 6848 * HOUR_MS });
    expect(f.date).toBe('2026-10-13');
    expect(f.iso).toBe(new Date(T + 6848 * HOUR_MS).toISOString());
    expect(f.trend.slopePerDay).toBe(0);
  });

  it('matches the closed form for decayed practice and another L', () => {
    // L = 4; P = 8 reports 30 days ago = 24·2^(−30/180) = 21.38; P₀ = 10
    const facts = factsOf({ lines: [line('v1', T - days(200), 4)], reports: reports(8, T - days(30)) });
    const p = issueHealthAt(facts, 'i1', T, defaults).practice.value;
    expect(p).toBeCloseTo(24 * 2 ** (-30 / 180), 12);
    const deltaStar = 180 * Math.log2((p * 3 * 2) / (10 * 4)) * DAY_MS;
    expect(forecastIssueAt(facts, 'i1', T, defaults).at).toBe(T + firstHourAfter(deltaStar) * HOUR_MS);
  });

  it('crosses into fool when logic is short and practice fades below P₀', () => {
    // L = 2 (ℓ = 2/3), P = 12 (π = 1.2): correct now; π < 1 after 180·log2(1.2) days = 47.35 d, before π < ℓ/β
    const facts = factsOf({ lines: [line('v1', T - days(200), 2)], reports: reports(4, T) });
    const f = forecastIssueAt(facts, 'i1', T, defaults);
    expect(f.into).toBe('fool');
    expect(f.at).toBe(T + firstHourAfter(180 * Math.log2(1.2) * DAY_MS) * HOUR_MS);
  });

  it('with h = ∞ and no trend nothing ever crosses', () => {
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T) });
    expect(forecastIssueAt(facts, 'i1', T, { ...defaults, halfLifeDays: Infinity })).toMatchObject({ at: null, into: null, already: false, date: null });
  });

  it('with h = ∞ logic alone outgrows practice: L rises 1 claim per 90 days from 3, π = 1 → L > 6 after 270 days', () => {
    const facts = factsOf({
      lines: [line('v1', T - days(100), 2), line('v2', T - days(45), 3)],
      acts: Array.from({ length: 10 }, (_, m) => consulted(`m${m}`, T - days(400))).flat(),
    });
    const settings = { ...defaults, halfLifeDays: Infinity };
    const trend = pureLogicTrend(facts, 'i1', T, settings);
    expect(trend).toMatchObject({ pureLogicThen: 2, pureLogicNow: 3, rise: 1, slopePerDay: 1 / 90 });
    // at exactly 270 days L = 6, π/ℓ = 1/2: still correct; the next hour is left-communist
    expect(forecastIssueAt(facts, 'i1', T, settings)).toMatchObject({ into: 'left-communist', at: T + (270 * 24 + 1) * HOUR_MS });
  });

  it('never projects L to shrink', () => {
    const facts = factsOf({ lines: [line('v1', T - days(100), 9), line('v2', T - days(10), 3)] });
    expect(pureLogicTrend(facts, 'i1', T, defaults)).toMatchObject({ rise: 0, slopePerDay: 0 });
  });

  it('says already when the line is left-communist or fool now', () => {
    const fool = factsOf({ lines: [line('v1', T - days(200), 2)], reports: reports(1, T) });
    expect(forecastIssueAt(fool, 'i1', T, defaults)).toMatchObject({ already: true, into: 'fool', at: T });
    expect(forecastIssueAt(fool, 'i1', T, defaults).how).toBe(
      'Already lacks both claims and consultation (fool) now: logic (0.67) and practice (0.3) are both short of the 1 that suffices',
    );
    const facts = factsOf({ lines: [line('v1', T - days(200), 9)], reports: reports(1, T) });
    expect(forecastIssueAt(facts, 'i1', T, defaults)).toMatchObject({ already: true, into: 'left-communist', at: T });
  });

  it('forecasts the organisation from the sums over open issues', () => {
    const issues = [
      { id: 'i1', title: 'rent', openedAt: T - days(300), resolvedAt: null },
      { id: 'i2', title: 'repairs', openedAt: T - days(300), resolvedAt: null },
    ];
    // L_org = 2 + 4 = 6 (no trend); P_org = (3 + 7) × 3 = 30; P₀ = 10: Δ* = 180·log2(30·3·2/(10·6)) = 180·log2(3)
    const facts = factsOf({
      issues,
      lines: [line('v1', T - days(200), 2), line('v1', T - days(200), 4, 'i2')],
      reports: [...reports(3, T), ...reports(7, T, 'i2')],
    });
    const f = forecastOrganisationAt(facts, T, defaults);
    expect(f.issueId).toBeNull();
    expect(f.at).toBe(T + 6848 * HOUR_MS);
  });

  it('gives the day with the range of days that half-lives of 90 and 365 days give, and says how in plain words', () => {
    // L = 3, P = 15, P₀ = 10: Δ*(h) = h·log2(3) days → 142.6 (h = 90), 285.3 (180), 578.5 (365)
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T) });
    const f = forecastIssueAt(facts, 'i1', T, defaults);
    expect(f.date).toBe('2026-10-13');
    expect(f.range).toEqual({ halfLifeDays: [90, 365], earliest: '2026-05-23', latest: '2027-08-02' });
    for (const [h, day] of [
      [90, f.range.earliest],
      [365, f.range.latest],
    ] as const) {
      expect(day).toBe(forecastIssueAt(facts, 'i1', T, { ...defaults, halfLifeDays: h }).date);
    }
    expect(f.how).toBe(
      'Now practice (1.5) is between 0.5 and 2 times logic (1): claims and consultation in proportion (correct). ' +
        'With no new consultation practice halves every 180 days and the line keeps its 3 claims: ' +
        'on 2026-10-13, in about 285 days, it would be claims outrun consultation (left-communist). Consult before then. ' +
        'Were practice to halve every 90 days, the day would be 2026-05-23; every 365 days, 2027-08-02',
    );
    expect(f.how).not.toMatch(/T\d\d:/);
  });

  it('recomputes the start under each half-life: older practice has faded more with a shorter one', () => {
    // The reports are 100 days old: with h = 90 P is already 15·2^(−100/90) = 6.9 (π/ℓ = 0.69), still correct;
    // with h = 365, 11.3. The range still brackets the forecast's day.
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T - days(100)) });
    const f = forecastIssueAt(facts, 'i1', T, defaults);
    const fast = forecastIssueAt(facts, 'i1', T, { ...defaults, halfLifeDays: 90 });
    expect(fast.start.practice.value).toBeCloseTo(15 * 2 ** (-100 / 90), 12);
    expect(f.range.earliest).toBe(fast.date);
    expect(f.range.earliest! < f.date!).toBe(true);
    expect(f.date! < f.range.latest!).toBe(true);
  });

  it('says when a range end lies beyond the horizon', () => {
    // With a one-year horizon the forecast (285 days) is within it, the 365-day half-life's (578 days) is not.
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T) });
    const f = forecastIssueAt(facts, 'i1', T, { ...defaults, forecastHorizonDays: 365 });
    expect(f.range).toMatchObject({ earliest: '2026-05-23', latest: null });
    expect(f.how).toMatch(/every 365 days, not within 365 days$/);
  });

  it('gives no verdict on an issue in its first gathering, only what it lacks', () => {
    // Opened seconds ago: nothing yet.
    const opened = factsOf({ issues: [{ id: 'i1', title: 'rent', openedAt: T - 5000, resolvedAt: null }] });
    expect(forecastIssueAt(opened, 'i1', T, defaults)).toMatchObject({
      at: null,
      into: null,
      already: false,
      date: null,
      gathering: { members: 0, reports: 0 },
      how: 'no line yet: still gathering, 0 members have taken part. Its character is judged once a first line version is published',
    });
    // 12 members have voted, no line is published: still no verdict, though L = 0 and π > 0.
    const gathering = factsOf({ acts: Array.from({ length: 12 }, (_, m) => consulted(`m${m}`, T - days(3))).flat() });
    const f = forecastIssueAt(gathering, 'i1', T, defaults);
    expect(f.gathering?.how).toBe('no line yet: still gathering, 12 members have taken part. Its character is judged once a first line version is published');
    expect(f).toMatchObject({ at: null, into: null, already: false, range: { earliest: null, latest: null } });
    // Once a version is published, the verdict comes.
    const published = factsOf({ ...gathering, lines: [line('v1', T - days(1), 3)] });
    expect(forecastIssueAt(published, 'i1', T, defaults).gathering).toBeNull();
    // The organisation with no line on any open issue is gathering too.
    expect(forecastOrganisationAt(factsOf({ issues: opened.issues }), T, defaults).gathering).toMatchObject({ members: 0 });
  });

  it('is a pure function of the projection start', () => {
    const trend = { pureLogicThen: 3, pureLogicNow: 3, rise: 0, windowDays: 90, slopePerDay: 0, how: '' };
    const c = forecastCrossing({ at: 0, pureLogic: 3, practice: 10, practiceSufficiency: 10, trend }, defaults);
    // π/ℓ = 1 → 1/2 after exactly one half-life (180 days = 4320 h, still correct): left-communist at 4321 h
    expect(c).toEqual({ at: 4321 * HOUR_MS, into: 'left-communist', already: false });
  });
});

describe('whatIf', () => {
  const members = Array.from({ length: 30 }, (_, i) => ({ id: `m${String(i).padStart(2, '0')}`, joinedAt: T - days(10), constituency: null }));
  it('consults M new members every N weeks before repeating anyone', () => {
    // h = ∞, L = 3 (ℓ = 1), P₀ = 10, nobody has taken part. 5 members a week from T:
    // P = 5, 10, 15, 20, 25, 30, then 30 for good (everyone is at 1). π = P/10.
    const facts = factsOf({ members, lines: [line('v1', T - days(200), 3)] });
    const w = whatIf(facts, 'i1', T, { everyWeeks: 1, members: 5 }, { ...defaults, halfLifeDays: Infinity });
    expect(w.trail.slice(0, 8).map((p) => p.practice)).toEqual([5, 10, 15, 20, 25, 30, 30, 30]);
    expect(w.trail.slice(0, 5).map((p) => p.character)).toEqual(['correct', 'correct', 'correct', 'correct', 'empiricist']);
    expect(w.leavesCorrect).toMatchObject({ at: T + 4 * WEEK_MS, into: 'empiricist' });
    expect(w.trail).toHaveLength(Math.floor((5 * 365) / 7) + 1);
  });

  it('consults the smallest term first: a member never heard before one whose term has faded', () => {
    // a took part fully 180 days ago (term 0.5); b never did. One member a week.
    const facts = factsOf({
      members: [
        { id: 'a', joinedAt: T - days(400), constituency: null },
        { id: 'b', joinedAt: T - days(400), constituency: null },
      ],
      acts: consulted('a', T - days(180)),
    });
    const w = whatIf(facts, 'i1', T, { everyWeeks: 1, members: 1 }, defaults);
    const d = 2 ** (-7 / 180);
    expect(w.trail[0]?.practice).toBeCloseTo(0.5 + 1, 12); // b consulted
    expect(w.trail[1]?.practice).toBeCloseTo(1 + d, 12); // then a: b has faded one week, a is back at 1
    expect(w.trail[2]?.practice).toBeCloseTo(1 + d, 12); // then b again
  });

  it('in a large membership consults those who never took part, by id, before anyone who did', () => {
    // 2,000 members, one of whom took part fully (term 1 with h = ∞): one member a week for the
    // horizon reaches 261 members, all of them from those who never took part.
    const many = Array.from({ length: 2_000 }, (_, i) => ({ id: `m${String(i).padStart(4, '0')}`, joinedAt: T - days(400), constituency: null }));
    const facts = factsOf({ members: many, lines: [line('v1', T - days(200), 3)], acts: consulted('m0000', T - days(180)) });
    const w = whatIf(facts, 'i1', T, { everyWeeks: 1, members: 1 }, { ...defaults, halfLifeDays: Infinity });
    expect(w.rounds).toBe(Math.floor((5 * 365) / 7) + 1);
    expect(w.trail.map((p) => p.practice)).toEqual(w.trail.map((_, k) => 1 + (k + 1)));
  });

  it('without a plan it is the forecast', () => {
    const facts = factsOf({ lines: [line('v1', T - days(200), 3)], reports: reports(5, T) });
    const w = whatIf(facts, 'i1', T, { everyWeeks: 4, members: 0 }, defaults);
    expect(w.rounds).toBe(0);
    expect(w.leavesCorrect?.at).toBe(forecastIssueAt(facts, 'i1', T, defaults).at);
  });

  it('for the organisation consults M members on each open issue', () => {
    const issues = ['i1', 'i2'].map((id) => ({ id, title: id, openedAt: T - days(300), resolvedAt: null }));
    const facts = factsOf({ members, issues, lines: [line('v1', T - days(200), 3), line('v1', T - days(200), 3, 'i2')] });
    const w = whatIf(facts, null, T, { everyWeeks: 2, members: 3 }, { ...defaults, halfLifeDays: Infinity });
    expect(w.trail.slice(0, 3).map((p) => p.practice)).toEqual([6, 6, 12]);
  });
});
