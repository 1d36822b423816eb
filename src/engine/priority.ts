/**
 * Statement priority for "next statement for me" (Pol.is conversation.clj): statements that
 * are new, agreed with, not passed over and far from the centre of the map come first.
 */
import type { GroupTallies } from './tallies.js';

/** Priority Pol.is gives meta statements (7²). */
export const META_PRIORITY = 49;

/** Priority of a statement the analysis has not seen yet: the formula with no votes and extremity 0. */
export const NEW_STATEMENT_PRIORITY = (0.5 * 1 * 0.5 * 9) ** 2;

/**
 * priority_j = (importance · (1 + 8·2^(−S/5)))², importance = (1 − (P+1)/(S+2))·(E+1)·(A+1)/(S+2),
 * with A, D, S summed over groups (clustered participants), P = S − A − D, E = extremity.
 * Uses the current tallies (Pol.is reads the previous tick's). Inactive statements get 0;
 * `meta[j] = 1` gives META_PRIORITY.
 */
export function statementPrioritiesOf(tallies: GroupTallies, extremity: Float64Array, active: Uint8Array, meta: Uint8Array): Float64Array {
  const m = tallies.statementCount;
  const priority = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    if (active[j] === 0) continue;
    if (meta[j] === 1) {
      priority[j] = META_PRIORITY;
      continue;
    }
    let a = 0;
    let d = 0;
    let s = 0;
    for (let g = 0; g < tallies.groupCount; g++) {
      a += tallies.agree[g * m + j]!;
      d += tallies.disagree[g * m + j]!;
      s += tallies.seen[g * m + j]!;
    }
    const passes = s - a - d;
    const importance = (1 - (passes + 1) / (s + 2)) * (extremity[j]! + 1) * ((a + 1) / (s + 2));
    priority[j] = (importance * (1 + 8 * Math.pow(2, -s / 5))) ** 2;
  }
  return priority;
}
