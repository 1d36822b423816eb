/**
 * Per-statement and per-participant counts, in one pass over the vote matrix.
 */
import type { VoteMatrix } from './vote-store.js';

/**
 * Counts over the votes on *active* statements (not moderated out).
 * Invariants: for an active column j, agree[j] + disagree[j] + pass[j] = votes on j, and
 * mean[j] = (agree[j] − disagree[j]) / votes (0 when no votes); inactive columns are all 0.
 */
export interface ColumnStats {
  readonly agree: Int32Array;
  readonly disagree: Int32Array;
  readonly pass: Int32Array;
  readonly mean: Float64Array;
  /** Per row: votes on active statements. */
  readonly rowActiveVotes: Int32Array;
  /** Per row: every vote, moderated statements included (Pol.is's count for "in-conv"). */
  readonly rowAllVotes: Int32Array;
  readonly activeColumnCount: number;
}

/** `active[j]` = 1 when statement j takes part in the analysis. */
export function columnStatsOf(matrix: VoteMatrix, active: Uint8Array): ColumnStats {
  const m = matrix.columnCount;
  // per-statement counts are maintained by compaction; rows need a pass only when some
  // statement is inactive (votes on it must not count)
  const counts = matrix.columnVoteCounts;
  const rowActiveVotes = new Int32Array(matrix.rowCount);
  const rowAllVotes = new Int32Array(matrix.rowCount);
  const { rowStart, column } = matrix;
  let allActive = true;
  for (let j = 0; j < m && allActive; j++) allActive = active[j] === 1;
  for (let r = 0; r < matrix.rowCount; r++) {
    const from = rowStart[r]!;
    const to = rowStart[r + 1]!;
    rowAllVotes[r] = to - from;
    if (allActive) {
      rowActiveVotes[r] = to - from;
      continue;
    }
    let activeVotes = 0;
    for (let k = from; k < to; k++) activeVotes += active[column[k]!]!;
    rowActiveVotes[r] = activeVotes;
  }
  const agree = new Int32Array(m);
  const disagree = new Int32Array(m);
  const pass = new Int32Array(m);
  const mean = new Float64Array(m);
  let activeColumnCount = 0;
  for (let j = 0; j < m; j++) {
    if (active[j] === 0) continue;
    activeColumnCount++;
    disagree[j] = counts[3 * j]!;
    pass[j] = counts[3 * j + 1]!;
    agree[j] = counts[3 * j + 2]!;
    const n = agree[j]! + disagree[j]! + pass[j]!;
    mean[j] = n > 0 ? (agree[j]! - disagree[j]!) / n : 0;
  }
  return { agree, disagree, pass, mean, rowActiveVotes, rowAllVotes, activeColumnCount };
}
