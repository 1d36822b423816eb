/**
 * What may refuse a vote, shared by the two ways a batch is written (repos/vote-casts.ts through
 * Kysely; dialect/sqlite-vote-batch.ts in the writer thread, which loads nothing heavier).
 */
import { DomainError, notFound } from '../../core/errors.js';
import { statementVisible, type VoteValue } from '../../core/vocabulary.js';
import type { CastResult, KeptKey, VoteTarget } from '../vote-types.js';

/** The member used this idempotency key for a vote on another statement. */
export const keyConflict = () => new DomainError('conflict', 'idempotency-key: already used for a vote on another statement');

/** A concurrent vote with the same key took the key, and its record was gone before it could be read: this one is undone. */
export const keyTaken = () => new DomainError('conflict', 'idempotency-key: already used for another vote');

/**
 * The answer to a vote whose key the member used before (`kept`, read from vote_keys): the first
 * vote's answer again, changed false, with nothing written; on another statement, refused.
 */
export function answerFromKey(kept: KeptKey | undefined, statementId: string, issueId: string): CastResult {
  if (!kept) throw keyTaken();
  if (kept.statement_id !== statementId) throw keyConflict();
  return { value: Number(kept.value) as VoteValue, changed: false, issueId };
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
