/**
 * The simple priority for "next statement for me", used until the opinion engine's priority
 * is available for an issue: statements the member has not voted on come first; among them,
 * seed statements first, then those with the fewest votes (so every statement gathers votes),
 * then the oldest; ties break on id so the order is deterministic.
 */
export interface StatementCandidate {
  id: string;
  isSeed: boolean;
  voteCount: number;
  createdAt: string;
  /** Priority from the latest analysis, when there is one (higher first). */
  enginePriority?: number | undefined;
}

export function compareForNextStatement(a: StatementCandidate, b: StatementCandidate): number {
  const pa = a.enginePriority;
  const pb = b.enginePriority;
  if (pa !== undefined && pb !== undefined && pa !== pb) return pb - pa;
  if (a.isSeed !== b.isSeed) return a.isSeed ? -1 : 1;
  if (a.voteCount !== b.voteCount) return a.voteCount - b.voteCount;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The statement to show next among those not yet voted on, or null when none is left. */
export function pickNextStatement<T extends StatementCandidate>(unseen: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of unseen) if (best === null || compareForNextStatement(c, best) < 0) best = c;
  return best;
}
