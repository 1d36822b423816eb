/**
 * Vote tallies per (group, statement) over clustered participants, in one pass over the votes.
 */
import type { VoteMatrix } from './vote-store.js';

/**
 * Counts per group g and statement j at index g·m + j. `seen` counts every vote, passes included.
 * Only active statements and participants with a group (≥ 0) are counted.
 */
export interface GroupTallies {
  readonly groupCount: number;
  readonly statementCount: number;
  readonly agree: Int32Array;
  readonly disagree: Int32Array;
  readonly seen: Int32Array;
}

export function groupTalliesOf(matrix: VoteMatrix, active: Uint8Array, groupOfRow: Int32Array, groupCount: number): GroupTallies {
  const m = matrix.columnCount;
  // counts per (group, column, vote) at 3·(g·m + column) + vote + 1: branch-free increments
  const counts = new Int32Array(3 * groupCount * m);
  const { rowStart, column, value } = matrix;
  for (let r = 0; r < matrix.rowCount; r++) {
    const g = groupOfRow[r]!;
    if (g < 0) continue;
    const offset = 3 * g * m + 1;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) counts[offset + 3 * column[k]! + value[k]!]!++;
  }
  const agree = new Int32Array(groupCount * m);
  const disagree = new Int32Array(groupCount * m);
  const seen = new Int32Array(groupCount * m);
  for (let cell = 0; cell < groupCount * m; cell++) {
    if (active[cell % m] === 0) continue;
    disagree[cell] = counts[3 * cell]!;
    agree[cell] = counts[3 * cell + 2]!;
    seen[cell] = counts[3 * cell]! + counts[3 * cell + 1]! + counts[3 * cell + 2]!;
  }
  return { groupCount, statementCount: m, agree, disagree, seen };
}
