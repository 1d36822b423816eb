/**
 * Consensus means every opinion group agrees (MODEL.md §3): a statement is in consensus when more
 * than half of every group's voters agree with it (each group's smoothed agree rate above ½) and
 * the group-informed consensus is above the threshold, or the same on disagree. An overall
 * majority that one group rejects is not consensus, and a statement in consensus is never
 * divisive.
 *
 * The engine applies this rule when it analyses; this module applies the same rule, through the
 * engine's own functions, to a stored analysis's per-group tallies, so an analysis stored before
 * the rule (whose consensus was the overall majority) is read under it too.
 */
import { CONSENSUS_THRESHOLD, DEFAULT_ANALYSIS_OPTIONS, consensusStatementsOf, divisiveStatementsOf } from '../engine/index.js';
import type { GroupTallies } from '../engine/index.js';

/** One group's current votes on one statement. */
export interface GroupTally {
  readonly agree: number;
  readonly disagree: number;
  readonly pass: number;
}

/** What an analysis holds per group: its groups and, per statement, per group id, the tallies. */
export interface GroupVotesOfAnalysis {
  readonly groups: readonly { readonly id: string }[];
  readonly groupVotes: Readonly<Record<string, Readonly<Record<string, GroupTally>>>>;
}

export interface ConsensusFinding {
  readonly statementId: string;
  readonly direction: 'agree' | 'disagree';
  /** The lowest share of any group's voters (passes count) voting `direction`: above ½ in every group. */
  readonly share: number;
}

export interface DivisiveFinding {
  readonly statementId: string;
  /** Half the gap in net agreement between the most and the least agreeing group. */
  readonly score: number;
}

export interface GroupConsensusOptions {
  /** At most this many statements per side (the engine's default). */
  readonly count: number;
  readonly divisiveCount: number;
  /** Lowest geometric mean of the group-informed consensus. */
  readonly threshold: number;
}

export const DEFAULT_GROUP_CONSENSUS_OPTIONS: GroupConsensusOptions = {
  count: DEFAULT_ANALYSIS_OPTIONS.consensusCount,
  divisiveCount: DEFAULT_ANALYSIS_OPTIONS.divisiveCount,
  threshold: CONSENSUS_THRESHOLD,
};

/**
 * The consensus and divisive statements of an analysis from its per-group tallies: consensus
 * ranked by group-informed consensus, agree side first; divisive without any consensus
 * statement. Statements keep the order of `groupVotes` for ties; a group with no tally on a
 * statement has not voted on it, which keeps the statement out of consensus.
 */
export function groupConsensusOf(
  analysis: GroupVotesOfAnalysis,
  options: GroupConsensusOptions = DEFAULT_GROUP_CONSENSUS_OPTIONS,
): { consensus: ConsensusFinding[]; divisive: DivisiveFinding[] } {
  const statementIds = Object.keys(analysis.groupVotes);
  const m = statementIds.length;
  const k = analysis.groups.length;
  const agree = new Int32Array(k * m);
  const disagree = new Int32Array(k * m);
  const seen = new Int32Array(k * m);
  statementIds.forEach((statementId, j) => {
    const perGroup = analysis.groupVotes[statementId] ?? {};
    analysis.groups.forEach((g, index) => {
      const t = perGroup[g.id];
      if (!t) return;
      agree[index * m + j] = t.agree;
      disagree[index * m + j] = t.disagree;
      seen[index * m + j] = t.agree + t.disagree + t.pass;
    });
  });
  const tallies: GroupTallies = { groupCount: k, statementCount: m, agree, disagree, seen };
  const active = new Uint8Array(m).fill(1);
  const found = consensusStatementsOf(tallies, active, options.count, options.threshold);
  const consensus: ConsensusFinding[] = [
    ...found.agree.map((c) => ({ statementId: statementIds[c.column]!, direction: 'agree' as const, share: c.lowestShare })),
    ...found.disagree.map((c) => ({ statementId: statementIds[c.column]!, direction: 'disagree' as const, share: c.lowestShare })),
  ];
  const inConsensus = new Set([...found.agree, ...found.disagree].map((c) => c.column));
  const divisive = divisiveStatementsOf(tallies, active, options.divisiveCount, inConsensus).map((d) => ({
    statementId: statementIds[d.column]!,
    score: d.divisiveness,
  }));
  return { consensus, divisive };
}

/** The analysis with its consensus and divisive lists as the rule reads its tallies, whenever it was stored. */
export function withGroupConsensus<T extends GroupVotesOfAnalysis & { consensus: readonly ConsensusFinding[]; divisive: readonly DivisiveFinding[] }>(
  analysis: T,
  options: GroupConsensusOptions = DEFAULT_GROUP_CONSENSUS_OPTIONS,
): T {
  return { ...analysis, ...groupConsensusOf(analysis, options) };
}
