import { DomainError, type VoteValue } from '../../core/index.js';
import type { Db } from '../db.js';
import { inTransaction } from '../tx.js';

export interface CastVote {
  orgId: string;
  issueId: string;
  statementId: string;
  memberId: string;
  value: VoteValue;
  /** Client-supplied key: a retry with the same key is answered from the first write. */
  idempotencyKey: string | null;
  at: string;
}

export interface CastResult {
  value: VoteValue;
  /** False when nothing was written: a retry, or the same vote again. */
  changed: boolean;
}

/**
 * Cast or change a vote: the append-only log and the current vote are written in one
 * transaction, so the current vote always equals the member's newest logged vote.
 */
export async function castVote(db: Db, v: CastVote): Promise<CastResult> {
  return inTransaction(db, async (trx) => {
    if (v.idempotencyKey !== null) {
      const earlier = await trx
        .selectFrom('vote_log')
        .select(['value', 'statement_id'])
        .where('member_id', '=', v.memberId)
        .where('idempotency_key', '=', v.idempotencyKey)
        .executeTakeFirst();
      if (earlier && earlier.statement_id !== v.statementId) throw new DomainError('conflict', 'idempotency-key: already used for a vote on another statement');
      if (earlier) return { value: Number(earlier.value) as VoteValue, changed: false };
    }
    // The current vote first: its row lock orders concurrent votes of one member on one
    // statement, so the log is appended in the order the current vote changes. Unchanged: no row.
    const changed = await trx
      .insertInto('votes')
      .values({ org_id: v.orgId, issue_id: v.issueId, statement_id: v.statementId, member_id: v.memberId, value: v.value, updated_at: v.at })
      .onConflict((oc) => oc.columns(['statement_id', 'member_id']).doUpdateSet({ value: v.value, updated_at: v.at }).where('votes.value', '<>', v.value))
      .returning('value')
      .executeTakeFirst();
    if (!changed) return { value: v.value, changed: false };
    const logged = await trx
      .insertInto('vote_log')
      .values({
        org_id: v.orgId,
        issue_id: v.issueId,
        statement_id: v.statementId,
        member_id: v.memberId,
        value: v.value,
        idempotency_key: v.idempotencyKey,
        cast_at: v.at,
      })
      .onConflict((oc) => oc.columns(['member_id', 'idempotency_key']).doNothing())
      .returning('seq')
      .executeTakeFirst();
    // A concurrent request with the same key committed a different vote first: undo this one.
    if (!logged) throw new DomainError('conflict', 'idempotency-key: already used for another vote');
    return { value: v.value, changed: true };
  });
}

export interface LoggedVote {
  statementId: string;
  memberId: string;
  value: VoteValue;
  castAt: string;
}

/**
 * Append a history of votes in bulk (imports), oldest first, and set each current vote to the
 * newest. Call it with consecutive slices of one history, in order; run it in a transaction.
 */
export async function importVoteLog(db: Db, orgId: string, issueId: string, log: LoggedVote[]): Promise<void> {
  for (let i = 0; i < log.length; i += 500) {
    await db
      .insertInto('vote_log')
      .values(
        log.slice(i, i + 500).map((v) => ({
          org_id: orgId,
          issue_id: issueId,
          statement_id: v.statementId,
          member_id: v.memberId,
          value: v.value,
          idempotency_key: null,
          cast_at: v.castAt,
        })),
      )
      .execute();
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
      .onConflict((oc) => oc.columns(['statement_id', 'member_id']).doUpdateSet((e) => ({ value: e.ref('excluded.value'), updated_at: e.ref('excluded.updated_at') })))
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
  const r = await db.selectFrom('vote_log').select((e) => e.fn.max('seq').as('head')).where('issue_id', '=', issueId).executeTakeFirst();
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

/** The issue's votes logged after position `afterSeq`, oldest first, with their positions. */
export async function voteLogSince(db: Db, orgId: string, issueId: string, afterSeq: number): Promise<{ seq: number; memberId: string; statementId: string; value: VoteValue }[]> {
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
