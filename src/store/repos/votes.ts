import type { VoteValue } from '../../core/index.js';
import type { Db } from '../db-type.js';
import type { DialectName } from '../dialect/types.js';
import { tableBytes } from '../dialect/storage-size.js';
import { appendVoteLog as logRows } from '../dialect/vote-statements.js';
import type { LoggedVote } from '../vote-types.js';

export type { CastResult, CastVote, LoggedVote, VoteOutcome, VoteRequest } from '../vote-types.js';
export { castVote, castVotes } from './vote-casts.js';

/**
 * Append a history of votes in bulk (imports), oldest first, and set each current vote to the
 * newest. Call it with consecutive slices of one history, in order; run it in a transaction.
 */
export async function importVoteLog(db: Db, orgId: string, issueId: string, log: LoggedVote[]): Promise<void> {
  for (let i = 0; i < log.length; i += 500) {
    await logRows(
      db,
      log.slice(i, i + 500).map((v) => ({
        org_id: orgId,
        issue_id: issueId,
        statement_id: v.statementId,
        member_id: v.memberId,
        value: v.value,
        idempotency_key: null,
        cast_at: v.castAt,
      })),
    ).execute();
  }
  const latest = new Map<string, LoggedVote>();
  for (const v of log) latest.set(`${v.statementId}\u0000${v.memberId}`, v);
  const rows = [...latest.values()].map((v) => ({
    org_id: orgId,
    issue_id: issueId,
    statement_id: v.statementId,
    member_id: v.memberId,
    value: v.value,
    updated_at: v.castAt,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('votes')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['statement_id', 'member_id']).doUpdateSet((e) => ({ value: e.ref('excluded.value'), updated_at: e.ref('excluded.updated_at') })),
      )
      .execute();
  }
}

/** The whole vote log of an issue, oldest first. */
export async function voteLogOfIssue(db: Db, orgId: string, issueId: string): Promise<LoggedVote[]> {
  const rows = await db
    .selectFrom('vote_log')
    .select(['statement_id', 'member_id', 'value', 'cast_at'])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ statementId: r.statement_id, memberId: r.member_id, value: Number(r.value) as VoteValue, castAt: r.cast_at }));
}

/** The current votes of an issue. */
export async function currentVotesOfIssue(db: Db, orgId: string, issueId: string): Promise<LoggedVote[]> {
  const rows = await db
    .selectFrom('votes')
    .select(['statement_id', 'member_id', 'value', 'updated_at'])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .execute();
  return rows.map((r) => ({ statementId: r.statement_id, memberId: r.member_id, value: Number(r.value) as VoteValue, castAt: r.updated_at }));
}

/** The newest position of the issue's vote log: an analysis's inputs' version. */
export async function voteLogHead(db: Db, issueId: string): Promise<number> {
  const r = await db
    .selectFrom('vote_log')
    .select((e) => e.fn.max('seq').as('head'))
    .where('issue_id', '=', issueId)
    .executeTakeFirst();
  return Number(r?.head ?? 0);
}

/** A member's current votes on an issue, by statement. */
export async function memberVotesOnIssue(db: Db, orgId: string, issueId: string, memberId: string): Promise<Map<string, VoteValue>> {
  const rows = await db
    .selectFrom('votes')
    .select(['statement_id', 'value'])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('member_id', '=', memberId)
    .execute();
  return new Map(rows.map((r) => [r.statement_id, Number(r.value) as VoteValue]));
}

/** How many current votes an issue has, from how many members, and how many were ever cast (the log). */
export async function issueVoteTotals(db: Db, orgId: string, issueId: string): Promise<{ votes: number; participants: number; votesCast: number }> {
  const r = await db
    .selectFrom('votes')
    .select((e) => [e.fn.countAll<number>().as('votes'), e.fn.count<number>('member_id').distinct().as('participants')])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .executeTakeFirstOrThrow();
  const log = await db
    .selectFrom('vote_log')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .executeTakeFirstOrThrow();
  return { votes: Number(r.votes), participants: Number(r.participants), votesCast: Number(log.n) };
}

/**
 * How many of the issue's votes up to log position `upToSeq` were cast after `after` (an ISO
 * instant): votes members cast, not votes a merge carried over. The concentrate guard counts
 * them (MODEL.md §2: re-analysing old votes is no new concentration).
 */
export async function votesCastAfter(db: Db, orgId: string, issueId: string, upToSeq: number, after: string): Promise<number> {
  const r = await db
    .selectFrom('vote_log')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('seq', '<=', upToSeq)
    .where('cast_at', '>', after)
    .where('carried_from', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The issue's votes logged after position `afterSeq`, oldest first, with their positions. */
export async function voteLogSince(
  db: Db,
  orgId: string,
  issueId: string,
  afterSeq: number,
): Promise<{ seq: number; memberId: string; statementId: string; value: VoteValue }[]> {
  const rows = await db
    .selectFrom('vote_log')
    .select(['seq', 'member_id', 'statement_id', 'value'])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), memberId: r.member_id, statementId: r.statement_id, value: Number(r.value) as VoteValue }));
}

/** Bytes the vote tables (current votes, the log, the keys) take on disk with their indexes: for sizing a deployment. */
export async function voteStorageBytes(db: Db, dialect: DialectName): Promise<number> {
  return tableBytes(db, dialect, ['votes', 'vote_log', 'vote_keys']);
}
