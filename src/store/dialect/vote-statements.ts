/**
 * Each statement that casts a vote, defined once for every way a vote is written: a single vote
 * and a batch's rounds (repos/vote-casts.ts, through Kysely on either database) and the SQLite writer
 * thread (dialect/sqlite-vote-batch.ts, which compiles these to SQLite text once and runs them as
 * plain prepared statements). A single vote is the one-row case of the batch's statements.
 */
import type { VoteValue } from '../../core/vocabulary.js';
import type { Db } from '../db-type.js';

/** A key kept with its vote's answer (vote_keys). */
export interface VoteKeyRow {
  org_id: string;
  member_id: string;
  idempotency_key: string;
  statement_id: string;
  value: VoteValue;
  cast_at: string;
}

/** A member's current vote on a statement (votes). */
export interface CurrentVoteRow {
  org_id: string;
  issue_id: string;
  statement_id: string;
  member_id: string;
  value: VoteValue;
  updated_at: string;
}

/** A row of the append-only log (vote_log), with the key, if any, of the request that changed the vote. */
export interface VoteLogRow {
  org_id: string;
  issue_id: string;
  statement_id: string;
  member_id: string;
  value: VoteValue;
  idempotency_key: string | null;
  cast_at: string;
}

/** The statement a vote is on, as refusal() (repos/vote-rules.ts) needs it. */
export const voteTarget = (db: Db, orgId: string, statementId: string) =>
  db
    .selectFrom('statements')
    .innerJoin('organisations', 'organisations.id', 'statements.org_id')
    .select(['statements.issue_id', 'statements.status', 'statements.merged_into', 'organisations.moderation'])
    .where('statements.org_id', '=', orgId)
    .where('statements.id', '=', statementId);

/** The statements a round's votes are on (each with its organisation, which the caller matches). */
export const voteTargets = (db: Db, statementIds: string[]) =>
  db
    .selectFrom('statements')
    .innerJoin('organisations', 'organisations.id', 'statements.org_id')
    .select(['statements.id', 'statements.org_id', 'statements.issue_id', 'statements.status', 'statements.merged_into', 'organisations.moderation'])
    .where('statements.id', 'in', statementIds);

/** The keys kept with their votes' answers, except those the member used before: only the keys kept now come back. */
export const keepKeys = (db: Db, rows: VoteKeyRow[]) =>
  db
    .insertInto('vote_keys')
    .values(rows)
    .onConflict((oc) => oc.columns(['member_id', 'idempotency_key']).doNothing())
    .returning(['member_id', 'idempotency_key']);

/** What the member's key was kept with: its first vote's statement and answer. */
export const keptKey = (db: Db, memberId: string, idempotencyKey: string) =>
  db.selectFrom('vote_keys').select(['value', 'statement_id']).where('member_id', '=', memberId).where('idempotency_key', '=', idempotencyKey);

/** What several members' keys were kept with. */
export const keptKeys = (db: Db, keys: { memberId: string; idempotencyKey: string }[]) =>
  db
    .selectFrom('vote_keys')
    .select(['member_id', 'idempotency_key', 'statement_id', 'value'])
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('member_id', '=', k.memberId), eb('idempotency_key', '=', k.idempotencyKey)]))));

/** The current votes, except those that already have their value: only the votes that changed come back. */
export const upsertCurrentVotes = (db: Db, rows: CurrentVoteRow[]) =>
  db
    .insertInto('votes')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['statement_id', 'member_id'])
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))
        .where((eb) => eb('votes.value', '<>', eb.ref('excluded.value'))),
    )
    .returning(['statement_id', 'member_id']);

/** The log rows of the votes that changed. */
export const appendVoteLog = (db: Db, rows: VoteLogRow[]) => db.insertInto('vote_log').values(rows);
