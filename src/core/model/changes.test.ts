import { describe, expect, it } from 'vitest';
import type { AnalysisFact, ModelFacts } from './facts.js';
import { defaultModelSettings as defaults } from './settings.js';
import { analysisChanges, groupLineage, groupMajority, qualitativeChanges } from './changes.js';
import { DAY_MS } from './time.js';

const HOUR = DAY_MS / 24;

const T = Date.UTC(2026, 0, 1);
const days = (n: number): number => n * DAY_MS;
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const issue = { id: 'i1', title: 'rent', openedAt: T, resolvedAt: null };
const analysis = (id: string, at: number, groups: Record<string, string[]>, more: Partial<AnalysisFact> = {}): AnalysisFact => ({
  id,
  issueId: 'i1',
  at,
  consensus: [],
  representative: [],
  divisive: [],
  groupVotes: {},
  groups: Object.entries(groups).map(([gid, members]) => ({ id: gid, members })),
  ...more,
});
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('groupMajority', () => {
  it("is more than half of the group's votes, passes included", () => {
    expect(groupMajority({ agree: 5, disagree: 2, pass: 1 })).toBe('agree');
    expect(groupMajority({ agree: 4, disagree: 2, pass: 2 })).toBeNull();
    expect(groupMajority({ agree: 1, disagree: 4, pass: 0 })).toBe('disagree');
    expect(groupMajority(undefined)).toBeNull();
  });
});

describe('groupLineage', () => {
  it('one divides into two: two new groups each hold at least 30 % of an old group', () => {
    const m = range('m', 10);
    const before = analysis('x1', T, { g: m });
    // h1 holds 4 (40 %), h2 3 (30 %), h3 3
    const after = analysis('x2', T + 1, { h1: m.slice(0, 4), h2: m.slice(4, 7), h3: m.slice(7) });
    expect(groupLineage(before, after).divisions).toEqual([{ previousGroupId: 'g', into: ['h1', 'h2'], shares: [0.4, 0.3] }]);
    // 8 and 2 (20 %): no division
    expect(groupLineage(before, analysis('x3', T + 1, { h1: m.slice(0, 8), h2: m.slice(8) })).divisions).toEqual([]);
  });
  it('two merge: each old group has its majority in the same new group', () => {
    const before = analysis('x1', T, { g1: ['a', 'b', 'c'], g2: ['d', 'e'] });
    const after = analysis('x2', T + 1, { h1: ['a', 'b', 'd', 'e'], h2: ['c'] });
    const lineage = groupLineage(before, after);
    expect(lineage.merges).toEqual([{ groupId: 'h1', from: ['g1', 'g2'] }]);
    expect(lineage.matches).toEqual([
      { groupId: 'h1', previousGroupId: 'g1', shared: 2 }, // 2 each: the first listed
      { groupId: 'h2', previousGroupId: 'g1', shared: 1 },
    ]);
  });
});

describe('analysisChanges', () => {
  it('finds consensus gained and lost and a majority flipped in the matched group', () => {
    const before = analysis(
      'x1',
      T,
      { g1: ['a', 'b', 'c'] },
      { consensus: ['s1', 's2'], groupVotes: { s3: { g1: { agree: 5, disagree: 2, pass: 1 } }, s4: { g1: { agree: 5, disagree: 0, pass: 0 } } } },
    );
    const after = analysis(
      'x2',
      T + days(1),
      { h1: ['a', 'b', 'c'] },
      { consensus: ['s2', 's5'], groupVotes: { s3: { h1: { agree: 1, disagree: 4, pass: 0 } }, s4: { h1: { agree: 2, disagree: 2, pass: 1 } } } },
    );
    const changes = analysisChanges(issue, before, after);
    expect(changes.map((c) => [c.type, c.description])).toEqual([
      ['consensus-gained', '"rent": every group now votes alike on a statement not shown here (consensus gained)'],
      ['consensus-lost', '"rent": not every group votes alike on a statement not shown here any more (consensus lost)'],
      ['majority-flipped', '"rent": group A\'s majority on a statement not shown here flipped from agree to disagree'],
    ]);
    expect(changes.map((c) => 'statementId' in c.detail && c.detail.statementId)).toEqual(['s5', 's1', 's3']);
    expect(changes.every((c) => c.at === T + days(1))).toBe(true);
  });

  it('names statements by their text, and says which way every group votes', () => {
    const texts = new Map([
      ['s1', 'Rents must be frozen'],
      ['s2', 'Landlords should set the rent alone'],
      ['s3', 'We strike on the first of the month'],
    ]);
    const before = analysis(
      'x1',
      T,
      { g1: ['a', 'b'], g2: ['c', 'd'] },
      {
        consensus: ['s1'],
        groupVotes: {
          s1: { g1: { agree: 5, disagree: 1, pass: 0 }, g2: { agree: 4, disagree: 1, pass: 0 } },
          s3: { g1: { agree: 5, disagree: 0, pass: 0 }, g2: { agree: 4, disagree: 0, pass: 0 } },
        },
      },
    );
    const after = analysis(
      'x2',
      T + days(1),
      { h1: ['a', 'b'], h2: ['c', 'd'] },
      {
        consensus: ['s2'],
        groupVotes: {
          s2: { h1: { agree: 0, disagree: 6, pass: 0 }, h2: { agree: 1, disagree: 4, pass: 0 } },
          s3: { h1: { agree: 5, disagree: 0, pass: 0 }, h2: { agree: 0, disagree: 4, pass: 0 } },
        },
      },
    );
    const descriptions = analysisChanges(issue, before, after, texts).map((c) => c.description);
    expect(descriptions).toEqual([
      '"rent": every group now rejects "Landlords should set the rent alone" (consensus gained)',
      '"rent": not every group agrees with "Rents must be frozen" any more (consensus lost)',
      '"rent": group B\'s majority on "We strike on the first of the month" flipped from agree to disagree',
    ]);
    for (const d of descriptions) expect(d).not.toMatch(/statement s\d/);
  });
});

describe('qualitativeChanges', () => {
  it('walks analyses, character and embrace in time order, announcing only changes of kind', () => {
    const claims = [1, 2, 3].map((n) => ({ id: `c${n}`, text: `claim ${n}`, cites: [] }));
    const facts = factsOf({
      issues: [issue],
      members: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, joinedAt: T - 1, constituency: null })),
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T + days(2), claims }],
      // 5 reports: P = 15, π = 1.5 → empiricist (ℓ = 0) until the line is published, then correct
      reports: Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, issueId: 'i1', memberId: `reporter${i}`, at: T + days(1), claimId: null, verdict: null })),
      analyses: [
        analysis('x1', T + days(1), { g1: ['a', 'b', 'c', 'd', 'e', 'f'] }, { consensus: ['s1'] }),
        analysis('x2', T + days(3), { g1: ['a', 'b', 'c', 'd', 'e', 'f'] }),
      ],
      endorsements: [
        // Day 4: a alone embraces (1 of 1: not yet heard), then b, c, d, e (5 of 5: heard, above both targets).
        ...['a', 'b', 'c', 'd', 'e'].map((memberId, k) => ({
          memberId,
          lineVersionId: 'v1',
          issueId: 'i1',
          at: T + days(4) + k * HOUR,
          kind: 'embrace' as const,
        })),
        // Day 5: b and c critique instead: 3 of 5 < 2/3 overall; the group stays above its 1/2.
        ...['b', 'c'].map((memberId) => ({ memberId, lineVersionId: 'v1', issueId: 'i1', at: T + days(5), kind: 'critique' as const })),
      ],
      acts: [
        ...['a', 'b', 'c', 'd', 'e'].map((memberId, k) => ({
          memberId,
          issueId: 'i1',
          at: T + days(4) + k * HOUR,
          kind: 'endorsement' as const,
          statementId: null,
        })),
        ...['b', 'c'].map((memberId) => ({ memberId, issueId: 'i1', at: T + days(5), kind: 'endorsement' as const, statementId: null })),
      ],
    });
    const changes = qualitativeChanges(facts, T + days(6), defaults);
    expect(
      changes.map((c) => [
        (c.at - T) / DAY_MS,
        c.type,
        c.type === 'character-changed' ? `${c.detail.from}→${c.detail.to}` : c.type === 'embrace-crossed' ? `${c.detail.scope}:${c.detail.direction}` : '',
      ]),
    ).toEqual([
      // No verdict before the line: the first gathering's characters are not announced, and the publication is the baseline.
      [3, 'consensus-lost', ''],
      [4 + 4 / 24, 'embrace-crossed', 'overall:above'],
      [4 + 4 / 24, 'embrace-crossed', 'group:above'],
      [5, 'embrace-crossed', 'overall:below'],
    ]);
    // decay alone: after 180·log2(3) days the line turns left-communist, announced at that instant
    const later = qualitativeChanges(facts, T + days(400), defaults).filter((c) => c.type === 'character-changed');
    expect(later.at(-1)?.description).toBe(
      '"rent": the line turned from claims and consultation in proportion (correct) to claims outrun consultation (left-communist), as practice faded',
    );
  });
});
