/**
 * Statements every opinion group agrees (or disagrees) on, group-informed consensus, and the
 * statements that divide the groups.
 */
import type { GroupTallies } from './tallies.js';
import { smoothedRate, twoProportionTest, Z_90 } from './proportions.js';

/**
 * Default lowest geometric mean (Π)^(1/k) of the group-informed consensus of a statement in
 * consensus: on average two in three of a group's voters, smoothed, vote that way.
 */
export const CONSENSUS_THRESHOLD = 2 / 3;

export interface ConsensusStatement {
  readonly column: number;
  /** Group-informed consensus on this side: Π_g (V_g + 1)/(S_g + 2), V the group's votes this way. */
  readonly groupInformed: number;
  /** (Π)^(1/k): what the threshold is compared with, comparable across k. */
  readonly groupInformedMean: number;
  /** The lowest share V_g / S_g over the groups (passes count as voters), always above ½. */
  readonly lowestShare: number;
  /** Index of the group with that share (lowest index on ties). */
  readonly lowestGroup: number;
}

/**
 * Consensus across the groups: statements on which every group's smoothed rate (V_g + 1)/(S_g + 2)
 * is above ½ (equivalently, more than half of its voters vote that way; a group that has not
 * voted is at ½ and blocks it) and the geometric mean of the group-informed consensus is above
 * `threshold`. An overall majority that one group rejects is not consensus. Ranked by
 * group-informed consensus (lower column on ties), at most `count` per side; none without groups.
 */
export function consensusStatementsOf(
  tallies: GroupTallies,
  active: Uint8Array,
  count: number,
  threshold: number = CONSENSUS_THRESHOLD,
): { agree: ConsensusStatement[]; disagree: ConsensusStatement[] } {
  const m = tallies.statementCount;
  const k = tallies.groupCount;
  const side = (votesOf: Int32Array): ConsensusStatement[] => {
    const found: ConsensusStatement[] = [];
    if (k === 0) return found;
    for (let j = 0; j < m; j++) {
      if (active[j] === 0) continue;
      let groupInformed = 1;
      let lowestShare = Infinity;
      let lowestGroup = -1;
      let everyGroup = true;
      for (let g = 0; g < k; g++) {
        const seen = tallies.seen[g * m + j]!;
        const votes = votesOf[g * m + j]!;
        if (2 * votes <= seen) {
          everyGroup = false;
          break;
        }
        groupInformed *= smoothedRate(votes, seen);
        if (votes / seen < lowestShare) {
          lowestShare = votes / seen;
          lowestGroup = g;
        }
      }
      if (!everyGroup) continue;
      const groupInformedMean = Math.pow(groupInformed, 1 / k);
      if (groupInformedMean > threshold) found.push({ column: j, groupInformed, groupInformedMean, lowestShare, lowestGroup });
    }
    return found.sort((a, b) => b.groupInformed - a.groupInformed || a.column - b.column).slice(0, count);
  };
  return { agree: side(tallies.agree), disagree: side(tallies.disagree) };
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
 * ties), at most `count`. Needs at least two groups. Statements in `consensus` (columns) are left
 * out: every group votes the same way on them, so they do not divide the groups.
 */
export function divisiveStatementsOf(
  tallies: GroupTallies,
  active: Uint8Array,
  count: number,
  consensus: ReadonlySet<number> = new Set(),
): DivisiveStatement[] {
  const m = tallies.statementCount;
  const k = tallies.groupCount;
  const found: DivisiveStatement[] = [];
  if (k < 2) return found;
  for (let j = 0; j < m; j++) {
    if (active[j] === 0 || consensus.has(j)) continue;
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
