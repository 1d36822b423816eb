/**
 * "Next statement for me": a participant's unvoted statements, highest analysis priority first.
 */
import type { Analysis } from './analysis.js';
import type { VoteStore } from './vote-store.js';

/** Priority of a statement the analysis has not seen yet: the formula with no votes and extremity 0. */
export const NEW_STATEMENT_PRIORITY = (0.5 * 1 * 0.5 * 9) ** 2;

/**
 * Up to `count` statement keys `participantKey` has not voted on (pending votes included),
 * excluding moderated-out ones, by descending priority, then column. Statements newer than the
 * analysis get NEW_STATEMENT_PRIORITY. O(statements + participant's votes + pending votes).
 */
export function nextStatementsFor(analysis: Analysis, store: VoteStore, participantKey: string, count = 1): string[] {
  const m = store.statementKeys.length;
  const voted = new Uint8Array(m);
  const row = store.participantRowByKey.get(participantKey);
  if (row !== undefined) {
    const matrix = store.matrix;
    if (row < matrix.rowCount) for (let k = matrix.rowStart[row]!; k < matrix.rowStart[row + 1]!; k++) voted[matrix.column[k]!] = 1;
    for (let k = 0; k < store.pendingCount; k++) if (store.pendingRow[k] === row) voted[store.pendingColumn[k]!] = 1;
  }
  const candidates: { column: number; priority: number }[] = [];
  for (let j = 0; j < m; j++) {
    if (voted[j] === 1) continue;
    if (j < analysis.statementKeys.length) {
      if (analysis.statements.active[j] === 0) continue;
      candidates.push({ column: j, priority: analysis.priority[j]! });
    } else candidates.push({ column: j, priority: NEW_STATEMENT_PRIORITY });
  }
  return candidates
    .sort((a, b) => b.priority - a.priority || a.column - b.column)
    .slice(0, count)
    .map((c) => store.statementKeys[c.column]!);
}
