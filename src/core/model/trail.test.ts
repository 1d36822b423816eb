import { describe, expect, it } from 'vitest';
import type { ActFact, ModelFacts } from './facts.js';
import { defaultModelSettings as defaults } from './settings.js';
import { issueHealthAt } from './health.js';
import { issueCharacterTurns, issueHealthTrail, trailByDay, type HealthPoint } from './trail.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const days = (n: number): number => n * DAY_MS;
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const claims = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, text: `claim ${i}`, cites: [] }));
const issue = { id: 'i1', title: 'rent', openedAt: T, resolvedAt: null };

describe('issueHealthTrail', () => {
  it('agrees with issueHealthAt at every point', () => {
    // A deterministic jumble: 150 members joining over time (P₀ moves past 10), votes with changes, reports, versions.
    const members = Array.from({ length: 150 }, (_, i) => ({ id: `m${i}`, joinedAt: T + days(i), constituency: null }));
    const acts: ActFact[] = [];
    for (let i = 0; i < 400; i += 1) {
      const kinds = ['vote', 'vote', 'statement', 'endorsement'] as const;
      const kind = kinds[i % 4] ?? 'vote';
      acts.push({
        memberId: `m${(i * 7) % 40}`,
        issueId: i % 5 === 0 ? 'i2' : 'i1',
        at: T + days((i * 13) % 300),
        kind,
        statementId: kind === 'endorsement' ? null : `s${i % 11}`,
      });
    }
    const reports = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, issueId: 'i1', memberId: 'm1', at: T + days(i * 25), claimId: null, verdict: null }));
    const lines = [1, 2, 3].map((n) => ({ id: `v${n}`, issueId: 'i1', number: n, publishedAt: T + days(n * 70), claims: claims(n * 2) }));
    const facts = factsOf({ members, issues: [issue], acts, reports, lines });
    const trail = issueHealthTrail(facts, 'i1', T + days(700), defaults);
    expect(trail.length).toBeGreaterThan(100);
    for (const point of trail) {
      const h = issueHealthAt(facts, 'i1', point.at, defaults);
      expect(point.pureLogic).toBe(h.pureLogic.value);
      expect(point.practice).toBeCloseTo(h.practice.value, 9);
      expect(point.practiceSufficiency).toBeCloseTo(h.practiceSufficiency.value, 12);
      expect(point.character).toBe(h.character);
    }
    for (let i = 1; i < trail.length; i += 1) expect((trail[i]?.at ?? 0) > (trail[i - 1]?.at ?? 0)).toBe(true);
    // The turns of character kept by the walk are the trail's, up to any instant.
    const turning = (points: readonly HealthPoint[]) =>
      points.flatMap((p, i) => (i > 0 && points[i - 1]!.character !== p.character ? [[points[i - 1], p]] : []));
    expect(turning(trail).length).toBeGreaterThan(2);
    for (const until of [T + days(100), T + days(250), T + days(700)]) {
      expect(turning(issueCharacterTurns(facts, 'i1', until, defaults))).toEqual(turning(issueHealthTrail(facts, 'i1', until, defaults)));
    }
  });

  it("agrees with issueHealthAt under v2's rules: roles over time, repeated and carried votes, answers per version, actions, reports per claim", () => {
    const members = Array.from({ length: 160 }, (_, i) => ({
      id: `m${i}`,
      joinedAt: T + days(i),
      constituency: null,
      // every fifth member is an organiser for a while, and back to member
      roles:
        i % 5 === 0
          ? [
              { role: 'member' as const, from: T + days(i) },
              { role: 'organiser' as const, from: T + days(i + 30) },
              { role: 'member' as const, from: T + days(i + 90) },
            ]
          : undefined,
    }));
    const acts: ActFact[] = [];
    for (let i = 0; i < 500; i += 1) {
      const memberId = `m${(i * 7) % 45}`;
      const at = T + days((i * 13) % 300);
      const issueId = i % 6 === 0 ? 'i2' : 'i1';
      switch (i % 5) {
        case 0:
        case 1:
          acts.push({
            memberId,
            issueId,
            at,
            kind: 'vote',
            statementId: `s${i % 11}`,
            value: ((i % 3) - 1) as -1 | 0 | 1,
            carriedFrom: i % 17 === 0 ? 'dup' : null,
          });
          break;
        case 2:
          acts.push({ memberId, issueId, at, kind: 'statement', statementId: `w${i}` });
          break;
        case 3:
          acts.push({ memberId, issueId, at, kind: 'endorsement', statementId: null, lineVersionId: `v${(i % 3) + 1}` });
          break;
        default:
          acts.push({ memberId, issueId, at, kind: 'action', statementId: null, actionId: `a${i % 4}` });
      }
    }
    const reports = Array.from({ length: 30 }, (_, i) => ({
      id: `r${i}`,
      issueId: 'i1',
      memberId: `m${i % 6}`,
      at: T + days(i * 11),
      claimId: `c${i % 2}`,
      verdict: null,
    }));
    const lines = [1, 2, 3].map((n) => ({ id: `v${n}`, issueId: 'i1', number: n, publishedAt: T + days(n * 70), claims: claims(n * 2) }));
    const facts = factsOf({ members, issues: [issue], acts, reports, lines });
    const trail = issueHealthTrail(facts, 'i1', T + days(700), defaults);
    expect(trail.length).toBeGreaterThan(100);
    for (const point of trail) {
      const h = issueHealthAt(facts, 'i1', point.at, defaults);
      expect(point.practice).toBeCloseTo(h.practice.value, 9);
      expect(point.practiceSufficiency).toBeCloseTo(h.practiceSufficiency.value, 12);
      expect(point.character).toBe(h.character);
    }
  });

  it('places the instant decay alone turns a correct line left-communist', () => {
    // L = 3, P = 15 at T (ℓ = 1, π = 1.5); π/ℓ = 1/2 after 180·log2(3) days
    const reports = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, issueId: 'i1', memberId: `m${i}`, at: T, claimId: null, verdict: null }));
    const facts = factsOf({ issues: [issue], reports, lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T, claims: claims(3) }] });
    const trail = issueHealthTrail(facts, 'i1', T + days(1000), defaults);
    expect(trail.map((p) => [p.character, p.cause])).toEqual([
      ['correct', 'opened'],
      ['left-communist', 'decay'],
    ]);
    const crossing = T + 180 * Math.log2(3) * DAY_MS;
    const at = trail[1]?.at ?? 0;
    expect(at).toBeGreaterThan(crossing);
    expect(at - crossing).toBeLessThanOrEqual(2);
    expect(issueHealthAt(facts, 'i1', at - 2, defaults).character).toBe('correct');
    expect(issueHealthAt(facts, 'i1', at, defaults).character).toBe('left-communist');
  });

  it('stops before the issue is resolved and after until', () => {
    const facts = factsOf({
      issues: [{ ...issue, resolvedAt: T + days(10) }],
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T + days(20), claims: claims(3) }],
    });
    expect(issueHealthTrail(facts, 'i1', T + days(30), defaults).map((p) => p.at)).toEqual([T]);
    expect(issueHealthTrail(facts, 'i1', T - 1, defaults)).toEqual([]);
  });
});

describe('trailByDay', () => {
  const DAY = 86_400_000;
  const point = (at: number, character: HealthPoint['character']): HealthPoint => ({
    at,
    pureLogic: 3,
    practice: 1,
    practiceSufficiency: 1,
    l: 1,
    pi: 1,
    character,
    cause: 'facts',
  });
  it('keeps a point a day, every change of character with the point before it, and the ends', () => {
    const T = Date.UTC(2026, 0, 1);
    // Day 0: ten points, correct then empiricist at the 6th; day 1: five correct; day 2: one.
    const points = [
      ...Array.from({ length: 10 }, (_, i) => point(T + i * 60_000, i < 5 ? 'correct' : 'empiricist')),
      ...Array.from({ length: 5 }, (_, i) => point(T + DAY + i * 60_000, 'empiricist')),
      point(T + 2 * DAY, 'correct'),
    ];
    const kept = trailByDay(points);
    expect(kept.map((p) => points.indexOf(p))).toEqual([0, 4, 5, 9, 14, 15]);
    // Between two points kept the character does not change: every dropped point has its kept predecessor's.
    for (let i = 0, k = 0; i < points.length; i++) {
      if (kept[k + 1] === points[i]) k += 1;
      else if (kept[k] !== points[i]) expect(points[i]!.character).toBe(kept[k]!.character);
    }
  });
});
