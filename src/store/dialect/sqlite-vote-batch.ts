import type SqliteDatabase from 'better-sqlite3';
import { answerFromKey, refusal, type KeptKey, type VoteTarget } from '../repos/vote-rules.js';
import type { CastResult, VoteOutcome, VoteRequest } from '../repos/votes.js';

/**
 * A batch of votes in one SQLite transaction, in plain prepared statements, for the vote writer's
 * thread (no query builder there: building and compiling statements would cost more than
 * running them). Each vote is castRequested of repos/votes.ts (its statement checked, then
 * castOne) under its own savepoint, in the batch's order: the same results and errors as casting
 * them one at a time, and one vote's failure undoes that vote only. Synchronous: the thread does
 * nothing else meanwhile.
 */
export function sqliteVoteBatch(database: SqliteDatabase.Database): (batch: readonly VoteRequest[]) => VoteOutcome[] {
  const voteTarget = database.prepare<[string, string], VoteTarget>(
    'select s.issue_id, s.status, s.merged_into, o.moderation from statements s join organisations o on o.id = s.org_id where s.org_id = ? and s.id = ?',
  );
  // The key kept with its vote's answer, unless the member used it before (then nothing changes).
  const keepKey = database.prepare<[string, string, string, string, number, string]>(
    'insert into vote_keys (org_id, member_id, idempotency_key, statement_id, value, cast_at) values (?, ?, ?, ?, ?, ?) on conflict (member_id, idempotency_key) do nothing',
  );
  const keptKey = database.prepare<[string, string], KeptKey>('select value, statement_id from vote_keys where member_id = ? and idempotency_key = ?');
  // The current vote, unless it already has this value (then no row comes back).
  const upsertCurrentVote = database.prepare<[string, string, string, string, number, string], { value: number }>(
    'insert into votes (org_id, issue_id, statement_id, member_id, value, updated_at) values (?, ?, ?, ?, ?, ?) ' +
      'on conflict (statement_id, member_id) do update set value = excluded.value, updated_at = excluded.updated_at where votes.value <> excluded.value returning value',
  );
  // The log row (with the key, if any, of the request that changed the vote).
  const appendVoteLog = database.prepare<[string, string, string, string, number, string | null, string]>(
    'insert into vote_log (org_id, issue_id, statement_id, member_id, value, idempotency_key, cast_at) values (?, ?, ?, ?, ?, ?, ?)',
  );
  const begin = database.prepare('begin immediate');
  const commit = database.prepare('commit');
  const rollback = database.prepare('rollback');
  const savepoint = database.prepare('savepoint vote');
  const release = database.prepare('release savepoint vote');
  const rollbackToSavepoint = database.prepare('rollback to savepoint vote');

  const castRequested = (r: VoteRequest): CastResult => {
    const target = voteTarget.get(r.orgId, r.statementId);
    const refused = refusal(target, r.seesAllStatements);
    if (refused) throw refused;
    const issueId = target!.issue_id;
    // The key first, kept whether or not the vote changes anything; a key used before gets its first answer, and nothing is written.
    if (r.idempotencyKey !== null && keepKey.run(r.orgId, r.memberId, r.idempotencyKey, r.statementId, r.value, r.at).changes === 0) {
      return answerFromKey(keptKey.get(r.memberId, r.idempotencyKey), r.statementId, issueId);
    }
    // The current vote next, then the log: unchanged, nothing is logged.
    if (!upsertCurrentVote.get(r.orgId, issueId, r.statementId, r.memberId, r.value, r.at)) return { value: r.value, changed: false, issueId };
    appendVoteLog.run(r.orgId, issueId, r.statementId, r.memberId, r.value, r.idempotencyKey, r.at);
    return { value: r.value, changed: true, issueId };
  };

  return (batch) => {
    begin.run();
    try {
      const outcomes = batch.map((v): VoteOutcome => {
        savepoint.run();
        try {
          const result = castRequested(v);
          release.run();
          return { ok: true, result };
        } catch (error) {
          rollbackToSavepoint.run();
          release.run();
          return { ok: false, error };
        }
      });
      commit.run();
      return outcomes;
    } catch (error) {
      if (database.inTransaction) rollback.run();
      throw error;
    }
  };
}
