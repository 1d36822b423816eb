/**
 * Statements the whole conversation agrees (or disagrees) on, group-informed consensus, and the
 * statements that divide the groups.
 */
import type { ColumnStats } from './column-stats.js';
import type { GroupTallies } from './tallies.js';
import { proportionTest, smoothedRate, twoProportionTest, Z_90 } from './proportions.js';

export interface ConsensusStatement {
  readonly column: number;
  readonly successes: number;
  readonly trials: number;
  readonly probability: number;
  readonly probabilityTest: number;
}

/**
 * Pol.is consensus over every participant: statements with smoothed rate > ½ and one-proportion
 * z > 1.2816, ranked by rate × z (lower column on ties), at most `count` per side.
 */
export function consensusStatementsOf(
  stats: ColumnStats,
  active: Uint8Array,
  count: number,
): { agree: ConsensusStatement[]; disagree: ConsensusStatement[] } {
  const side = (successesOf: Int32Array): ConsensusStatement[] => {
    const found: ConsensusStatement[] = [];
    for (let j = 0; j < active.length; j++) {
      if (active[j] === 0) continue;
      const trials = stats.agree[j]! + stats.disagree[j]! + stats.pass[j]!;
      const successes = successesOf[j]!;
      const probability = smoothedRate(successes, trials);
      const probabilityTest = proportionTest(successes, trials);
      if (probability > 0.5 && probabilityTest > Z_90) found.push({ column: j, successes, trials, probability, probabilityTest });
    }
    return found
      .sort((a, b) => b.probability * b.probabilityTest - a.probability * a.probabilityTest || a.column - b.column)
      .slice(0, count);
  };
  return { agree: side(stats.agree), disagree: side(stats.disagree) };
}

/**
 * Group-informed consensus per statement: Π_g (A_g + 1)/(S_g + 2) (Pol.is), the same for
 * disagreement, and the geometric mean (Π)^(1/k), which stays comparable across different k.
 * Inactive statements get 0.
 */
export interface GroupInformedConsensus {
  readonly agree: Float64Array;
  readonly disagree: Float64Array;
  readonly agreeGeometricMean: Float64Array;
}

export function groupInformedConsensusOf(tallies: GroupTallies, active: Uint8Array): GroupInformedConsensus {
  const m = tallies.statementCount;
  const agree = new Float64Array(m);
  const disagree = new Float64Array(m);
  const agreeGeometricMean = new Float64Array(m);
  const k = tallies.groupCount;
  for (let j = 0; j < m; j++) {
    if (active[j] === 0 || k === 0) continue;
    let pa = 1;
    let pd = 1;
    for (let g = 0; g < k; g++) {
      const s = tallies.seen[g * m + j]!;
      pa *= smoothedRate(tallies.agree[g * m + j]!, s);
      pd *= smoothedRate(tallies.disagree[g * m + j]!, s);
    }
    agree[j] = pa;
    disagree[j] = pd;
    agreeGeometricMean[j] = Math.pow(pa, 1 / k);
  }
  return { agree, disagree, agreeGeometricMean };
}

/** A statement on which two groups lean opposite ways. */
export interface DivisiveStatement {
  readonly column: number;
  /** Half the gap in net agreement between the most and least agreeing groups, in [0, 1). */
  readonly divisiveness: number;
  readonly mostAgreeingGroup: number;
  readonly leastAgreeingGroup: number;
  /** Two-proportion z of the agree rates, most against least agreeing group. */
  readonly test: number;
}

/**
 * Divisive statements: net agreement of group g is (A_g − D_g)/(S_g + 2); divisiveness is half
 * the spread between the highest and lowest group. Kept when the two groups' agree or disagree
 * rates differ significantly (two-proportion z > 1.2816); ranked by divisiveness (lower column on
 * ties), at most `count`. Needs at least two groups.
 */
export function divisiveStatementsOf(tallies: GroupTallies, active: Uint8Array, count: number): DivisiveStatement[] {
  const m = tallies.statementCount;
  const k = tallies.groupCount;
  const found: DivisiveStatement[] = [];
  if (k < 2) return found;
  for (let j = 0; j < m; j++) {
    if (active[j] === 0) continue;
    let hi = 0;
    let lo = 0;
    let hiNet = -Infinity;
    let loNet = Infinity;
    for (let g = 0; g < k; g++) {
      const net = (tallies.agree[g * m + j]! - tallies.disagree[g * m + j]!) / (tallies.seen[g * m + j]! + 2);
      if (net > hiNet) {
        hiNet = net;
        hi = g;
      }
      if (net < loNet) {
        loNet = net;
        lo = g;
      }
    }
    if (hi === lo) continue;
    const agreeTest = twoProportionTest(tallies.agree[hi * m + j]!, tallies.seen[hi * m + j]!, tallies.agree[lo * m + j]!, tallies.seen[lo * m + j]!);
    const disagreeTest = twoProportionTest(tallies.disagree[lo * m + j]!, tallies.seen[lo * m + j]!, tallies.disagree[hi * m + j]!, tallies.seen[hi * m + j]!);
    if (agreeTest <= Z_90 && disagreeTest <= Z_90) continue;
    found.push({ column: j, divisiveness: (hiNet - loNet) / 2, mostAgreeingGroup: hi, leastAgreeingGroup: lo, test: agreeTest });
  }
  return found.sort((a, b) => b.divisiveness - a.divisiveness || a.column - b.column).slice(0, count);
}
