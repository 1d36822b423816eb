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

export function groupTalliesOf(
  matrix: VoteMatrix,
  active: Uint8Array,
  groupOfRow: Int32Array,
  groupCount: number,
): GroupTallies {
  const m = matrix.columnCount;
  const agree = new Int32Array(groupCount * m);
  const disagree = new Int32Array(groupCount * m);
  const seen = new Int32Array(groupCount * m);
  const { rowStart, column, value } = matrix;
  for (let r = 0; r < matrix.rowCount; r++) {
    const g = groupOfRow[r]!;
    if (g < 0) continue;
    const offset = g * m;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const c = column[k]!;
      if (active[c] === 0) continue;
      const v = value[k]!;
      seen[offset + c]!++;
      if (v > 0) agree[offset + c]!++;
      else if (v < 0) disagree[offset + c]!++;
    }
  }
  return { groupCount, statementCount: m, agree, disagree, seen };
}
