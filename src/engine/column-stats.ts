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
  const agree = new Int32Array(m);
  const disagree = new Int32Array(m);
  const pass = new Int32Array(m);
  const rowActiveVotes = new Int32Array(matrix.rowCount);
  const rowAllVotes = new Int32Array(matrix.rowCount);
  const { rowStart, column, value } = matrix;
  for (let r = 0; r < matrix.rowCount; r++) {
    const from = rowStart[r]!;
    const to = rowStart[r + 1]!;
    let activeVotes = 0;
    for (let k = from; k < to; k++) {
      const c = column[k]!;
      if (active[c] === 0) continue;
      activeVotes++;
      const v = value[k]!;
      if (v > 0) agree[c]!++;
      else if (v < 0) disagree[c]!++;
      else pass[c]!++;
    }
    rowActiveVotes[r] = activeVotes;
    rowAllVotes[r] = to - from;
  }
  const mean = new Float64Array(m);
  let activeColumnCount = 0;
  for (let j = 0; j < m; j++) {
    if (active[j] === 0) continue;
    activeColumnCount++;
    const n = agree[j]! + disagree[j]! + pass[j]!;
    mean[j] = n > 0 ? (agree[j]! - disagree[j]!) / n : 0;
  }
  return { agree, disagree, pass, mean, rowActiveVotes, rowAllVotes, activeColumnCount };
}
