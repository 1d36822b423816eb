import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './agreement.js';
import { consensusStatementsOf, divisiveStatementsOf, groupInformedConsensusOf } from './consensus.js';
import { proportionTest, twoProportionTest } from './proportions.js';
import { representativeStatementsOf } from './representative.js';
import type { GroupTallies } from './tallies.js';

function tallies(rows: [number, number, number][][]): GroupTallies {
  // rows[g][j] = [agree, disagree, seen]
  const k = rows.length;
  const m = rows[0]!.length;
  const agree = new Int32Array(k * m);
  const disagree = new Int32Array(k * m);
  const seen = new Int32Array(k * m);
  rows.forEach((groupRow, g) =>
    groupRow.forEach(([a, d, s], j) => {
      agree[g * m + j] = a;
      disagree[g * m + j] = d;
      seen[g * m + j] = s;
    }),
  );
  return { groupCount: k, statementCount: m, agree, disagree, seen };
}

describe('Pol.is statistics', () => {
  it('computes the proportion tests with Pol.is pseudo-counts', () => {
    expect(proportionTest(8, 10)).toBeCloseTo(2 * Math.sqrt(11) * (9 / 11 - 0.5), 12);
    const p1 = 9 / 11;
    const p2 = 3 / 11;
    const pooled = 12 / 22;
    expect(twoProportionTest(8, 10, 2, 10)).toBeCloseTo((p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (2 / 11)), 12);
    expect(twoProportionTest(10, 10, 10, 10)).toBe(0);
  });

  it('selects the statement a group agrees on and the others do not as representative', () => {
    const t = tallies([
      [
        [18, 1, 20],
        [10, 10, 20],
        [2, 17, 20],
      ],
      [
        [2, 17, 20],
        [10, 10, 20],
        [17, 2, 20],
      ],
    ]);
    const active = Uint8Array.from([1, 1, 1]);
    const g0 = representativeStatementsOf(t, 0, active, 5);
    expect(g0[0]).toMatchObject({ column: 0, direction: 'agree', successes: 18, trials: 20 });
    expect(g0.some((s) => s.column === 2 && s.direction === 'disagree')).toBe(true);
    expect(g0.some((s) => s.column === 1)).toBe(false);
    const g1 = representativeStatementsOf(t, 1, active, 5);
    expect(g1[0]).toMatchObject({ column: 2, direction: 'agree' });
  });

  it('finds consensus across every group, group-informed consensus and divisive statements', () => {
    const t = tallies([
      [
        [19, 1, 20],
        [19, 1, 20],
        [1, 19, 20],
      ],
      [
        [19, 1, 20],
        [1, 19, 20],
        [2, 18, 20],
      ],
    ]);
    const active = Uint8Array.from([1, 1, 1]);
    const consensus = consensusStatementsOf(t, active, 5);
    expect(consensus.agree.map((c) => c.column)).toEqual([0]);
    expect(consensus.agree[0]).toMatchObject({ groupInformed: (20 / 22) ** 2, lowestShare: 19 / 20, lowestGroup: 0 });
    expect(consensus.disagree.map((c) => c.column)).toEqual([2]);
    expect(consensus.disagree[0]).toMatchObject({ lowestShare: 18 / 20, lowestGroup: 1 });
    const gic = groupInformedConsensusOf(t, active);
    expect(gic.agree[0]).toBeCloseTo((20 / 22) ** 2, 12);
    expect(gic.agreeGeometricMean[0]).toBeCloseTo(20 / 22, 12);
    expect(gic.agree[0]!).toBeGreaterThan(gic.agree[1]!);
    const divisive = divisiveStatementsOf(t, active, 5);
    expect(divisive.map((d) => d.column)).toEqual([1]);
    expect(divisive[0]).toMatchObject({ mostAgreeingGroup: 0, leastAgreeingGroup: 1 });
  });

  it('never takes an overall majority that one group rejects for consensus', () => {
    // Statement 0: 58 % of all voters disagree, but group A is at 3 % agree and group B at 80 %.
    // Statement 1: a bare majority in each group (11 of 20), too weak for the threshold.
    // Statement 2: 16 of 20 in each group agree. Statement 3: group B has not voted on it.
    const t = tallies([
      [
        [3, 97, 100],
        [11, 9, 20],
        [16, 4, 20],
        [20, 0, 20],
      ],
      [
        [40, 8, 50],
        [11, 9, 20],
        [16, 4, 20],
        [0, 0, 0],
      ],
    ]);
    const active = Uint8Array.from([1, 1, 1, 1]);
    expect((97 + 8) / 150).toBeGreaterThan(0.58);
    const consensus = consensusStatementsOf(t, active, 5);
    expect(consensus.agree.map((c) => c.column)).toEqual([2]);
    expect(consensus.disagree).toEqual([]);
    // With no threshold above a bare majority, statement 1 counts too: every group agrees.
    expect(consensusStatementsOf(t, active, 5, 0.5).agree.map((c) => c.column)).toEqual([2, 1]);
    expect(divisiveStatementsOf(t, active, 5).map((d) => d.column)).toContain(0);
  });

  it('keeps a statement every group agrees on out of the divisive list', () => {
    // Both groups agree with statement 0, at 95 % and at 60 %: the gap is significant, but it divides no one.
    const t = tallies([
      [
        [95, 5, 100],
        [5, 95, 100],
      ],
      [
        [60, 40, 100],
        [90, 10, 100],
      ],
    ]);
    const active = Uint8Array.from([1, 1]);
    expect(divisiveStatementsOf(t, active, 5).map((d) => d.column)).toEqual([1, 0]);
    const consensus = consensusStatementsOf(t, active, 5);
    expect(consensus.agree.map((c) => c.column)).toEqual([0]);
    const inConsensus = new Set(consensus.agree.map((c) => c.column));
    expect(divisiveStatementsOf(t, active, 5, inConsensus).map((d) => d.column)).toEqual([1]);
  });

  it('finds no consensus without groups', () => {
    const none: GroupTallies = { groupCount: 0, statementCount: 2, agree: new Int32Array(0), disagree: new Int32Array(0), seen: new Int32Array(0) };
    expect(consensusStatementsOf(none, Uint8Array.from([1, 1]), 5)).toEqual({ agree: [], disagree: [] });
  });

  it('adjusted Rand index: 1 for relabelled partitions, ≈ 0 for unrelated ones', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 0, 1])).toBeLessThan(0.1);
  });
});
