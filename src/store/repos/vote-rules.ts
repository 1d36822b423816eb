/**
 * What may refuse a vote, shared by the two ways a batch is written (repos/votes.ts through
 * Kysely; dialect/sqlite-vote-batch.ts in the writer thread, which loads nothing heavier).
 */
import { DomainError, notFound } from '../../core/errors.js';
import { statementVisible, type ModerationPolicy, type StatementStatus } from '../../core/vocabulary.js';

/** The member used this idempotency key for a vote on another statement. */
export const keyConflict = () => new DomainError('conflict', 'idempotency-key: already used for a vote on another statement');

/** A concurrent vote with the same key (from another process) committed first: this one is undone. */
export const keyTaken = () => new DomainError('conflict', 'idempotency-key: already used for another vote');

/** A statement as a vote needs it: its issue, its status, its organisation's moderation policy. */
export interface VoteTarget {
  issue_id: string;
  status: StatementStatus;
  /** The statement a duplicate was merged into; null for a statement in its own right. */
  merged_into: string | null;
  moderation: ModerationPolicy;
}

/**
 * Why this voter may not vote on the statement, or null: one they cannot see (members see what
 * the moderation policy shows, organisers everything) is not found; a rejected one is closed.
 */
export function refusal(target: VoteTarget | undefined, seesAllStatements: boolean): DomainError | null {
  if (!target || !(seesAllStatements || statementVisible(target.status, target.moderation))) return notFound('statement');
  if (target.status === 'rejected') return new DomainError('conflict', 'statement: rejected in moderation, not open for votes');
  if (target.merged_into !== null) return new DomainError('conflict', `statement: merged into ${target.merged_into}; vote on that one`);
  return null;
}
