/**
 * Who is clustered. Pol.is clusters a participant once they have voted on at least min(7, m)
 * statements, keeps them in for good, and tops up with the busiest voters until at least 15 are
 * in. We follow that, counting only votes on statements that are not moderated out (a vote on a
 * hidden statement says nothing the analysis uses).
 */

export interface ParticipationRule {
  /** Votes needed (capped by the number of active statements). Pol.is: 7. */
  readonly minimumVotes: number;
  /** Fewest participants to cluster when enough have voted at all. Pol.is: 15. */
  readonly minimumClustered: number;
}

/**
 * 1 for every row that is clustered. `previouslyClustered` rows (already mapped to current rows)
 * stay in. Rows with no active vote are never clustered. Deterministic top-up: more votes first,
 * then lower row.
 */
export function clusteredRowsOf(
  activeVotesPerRow: Int32Array,
  activeStatementCount: number,
  rule: ParticipationRule,
  previouslyClustered: Uint8Array | null,
): Uint8Array {
  const n = activeVotesPerRow.length;
  const clustered = new Uint8Array(n);
  const threshold = Math.max(1, Math.min(rule.minimumVotes, activeStatementCount));
  let count = 0;
  for (let r = 0; r < n; r++) {
    const votes = activeVotesPerRow[r]!;
    if (votes > 0 && (votes >= threshold || (previouslyClustered !== null && previouslyClustered[r] === 1))) {
      clustered[r] = 1;
      count++;
    }
  }
  if (count < rule.minimumClustered) {
    const candidates: number[] = [];
    for (let r = 0; r < n; r++) if (clustered[r] === 0 && activeVotesPerRow[r]! > 0) candidates.push(r);
    candidates.sort((a, b) => activeVotesPerRow[b]! - activeVotesPerRow[a]! || a - b);
    for (const r of candidates) {
      if (count >= rule.minimumClustered) break;
      clustered[r] = 1;
      count++;
    }
  }
  return clustered;
}
