/**
 * The vote's types, in one place for every way a vote is written (repos/vote-casts.ts through Kysely,
 * dialect/sqlite-vote-batch.ts in the writer thread) and for the writer's messages.
 */
import type { ModerationPolicy, StatementStatus, VoteValue } from '../core/vocabulary.js';

export interface CastVote {
  orgId: string;
  issueId: string;
  statementId: string;
  memberId: string;
  value: VoteValue;
  /** Client-supplied key, one member's own: a retry with the same key is answered as the first request was, and writes nothing. */
  idempotencyKey: string | null;
  at: string;
}

/** A vote as a member casts it through the API: on a statement that the vote's own transaction checks is open to them. */
export interface VoteRequest {
  orgId: string;
  statementId: string;
  memberId: string;
  /** Organisers see (and may vote on) statements whatever their moderation; members what the policy shows. */
  seesAllStatements: boolean;
  value: VoteValue;
  idempotencyKey: string | null;
  at: string;
}

export interface CastResult {
  value: VoteValue;
  /** False when the vote did not change (nothing logged): a retry, or the same vote again. */
  changed: boolean;
  issueId: string;
}

/** What became of one vote of a batch: its result, or why it failed (the others are unaffected). */
export type VoteOutcome = { ok: true; result: CastResult } | { ok: false; error: unknown };

/** A vote of the log as imports write it and reads return it. */
export interface LoggedVote {
  statementId: string;
  memberId: string;
  value: VoteValue;
  castAt: string;
}

/** A key as vote_keys keeps it: the statement its first vote was on, and the value that vote answered. */
export interface KeptKey {
  statement_id: string;
  value: VoteValue | number;
}

/** A statement as a vote needs it: its issue, its status, its organisation's moderation policy. */
export interface VoteTarget {
  issue_id: string;
  status: StatementStatus;
  /** The statement a duplicate was merged into; null for a statement in its own right. */
  merged_into: string | null;
  moderation: ModerationPolicy;
}
