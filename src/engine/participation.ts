/**
 * Who is clustered. Pol.is clusters a participant once they have voted on at least min(7, m)
 * statements, keeps them in for good, and tops up with the busiest voters until at least 15 are
 * in. We follow that: votes count whether or not their statement was later moderated out (the
 * rule measures engagement, and counting them keeps the rule independent of when moderation
 * happened, like "once in, always in"). Unlike Pol.is we never cluster a participant with no
 * vote on an active statement: they have no position on the map.
 */

export interface ParticipationRule {
  /** Votes needed (capped by the number of active statements). Pol.is: 7. */
  readonly minimumVotes: number;
  /** Fewest participants to cluster when enough have voted at all. Pol.is: 15. */
  readonly minimumClustered: number;
}

/**
 * 1 for every row that is clustered: at least min(minimumVotes, statementCount) votes of any
 * kind, or clustered before (`previouslyClustered`, mapped to current rows), and at least one
 * vote on an active statement. Deterministic top-up: more votes first,
 * then lower row.
 */
export function clusteredRowsOf(
  votesPerRow: Int32Array,
  activeVotesPerRow: Int32Array,
  statementCount: number,
  rule: ParticipationRule,
  previouslyClustered: Uint8Array | null,
): Uint8Array {
  const n = votesPerRow.length;
  const clustered = new Uint8Array(n);
  const threshold = Math.max(1, Math.min(rule.minimumVotes, statementCount));
  let count = 0;
  for (let r = 0; r < n; r++) {
    const votes = votesPerRow[r]!;
    if (activeVotesPerRow[r]! > 0 && (votes >= threshold || (previouslyClustered !== null && previouslyClustered[r] === 1))) {
      clustered[r] = 1;
      count++;
    }
  }
  if (count < rule.minimumClustered) {
    const candidates: number[] = [];
    for (let r = 0; r < n; r++) if (clustered[r] === 0 && activeVotesPerRow[r]! > 0) candidates.push(r);
    candidates.sort((a, b) => votesPerRow[b]! - votesPerRow[a]! || a - b);
    for (const r of candidates) {
      if (count >= rule.minimumClustered) break;
      clustered[r] = 1;
      count++;
    }
  }
  return clustered;
}
