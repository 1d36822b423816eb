import type SqliteDatabase from 'better-sqlite3';
import { answerFromKey, refusal, type KeptKey, type VoteTarget } from '../repos/vote-rules.js';
import type { CastResult, VoteOutcome, VoteRequest } from '../repos/votes.js';

/**
 * A batch of votes in one SQLite transaction, in plain prepared statements, for the vote writer's
 * thread (no query builder there: building and compiling statements would cost more than
 * running them). Each vote is castRequested of repos/votes.ts (its statement checked, then
 * castOne), in the batch's order: the same results and errors as casting them one at a time, and
 * one vote's failure fails that vote only. A vote is refused (its statement, a key used on
 * another statement) before it writes anything, so the batch is written with no savepoint per
 * vote; should a statement fail while writing, the batch is rolled back and written again with
 * each vote under its own savepoint, so only the vote at fault fails. Synchronous: the thread
 * does nothing else meanwhile.
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

  /** A vote refused before it wrote anything: the batch goes on without it. */
  class Refused {
    constructor(readonly error: unknown) {}
  }

  /**
   * One vote. Everything that may refuse it (its statement, a key used before) is known before
   * it writes, so a refusal leaves nothing to undo; a statement that fails while writing throws.
   * `targets` keeps each statement's check for the batch: within its transaction no other
   * connection can change it.
   */
  const castRequested = (r: VoteRequest, targets: Map<string, VoteTarget | undefined>): CastResult | Refused => {
    const at = `${r.orgId}\u0000${r.statementId}`;
    let target = targets.get(at);
    if (target === undefined && !targets.has(at)) targets.set(at, (target = voteTarget.get(r.orgId, r.statementId)));
    const refused = refusal(target, r.seesAllStatements);
    if (refused) return new Refused(refused);
    const issueId = target!.issue_id;
    // The key first, kept whether or not the vote changes anything; a key used before gets its first answer, and nothing is written.
    if (r.idempotencyKey !== null && keepKey.run(r.orgId, r.memberId, r.idempotencyKey, r.statementId, r.value, r.at).changes === 0) {
      try {
        return answerFromKey(keptKey.get(r.memberId, r.idempotencyKey), r.statementId, issueId);
      } catch (error) {
        return new Refused(error);
      }
    }
    // The current vote next, then the log: unchanged, nothing is logged.
    if (!upsertCurrentVote.get(r.orgId, issueId, r.statementId, r.memberId, r.value, r.at)) return { value: r.value, changed: false, issueId };
    appendVoteLog.run(r.orgId, issueId, r.statementId, r.memberId, r.value, r.idempotencyKey, r.at);
    return { value: r.value, changed: true, issueId };
  };

  const outcomeOf = (cast: CastResult | Refused): VoteOutcome => (cast instanceof Refused ? { ok: false, error: cast.error } : { ok: true, result: cast });

  /** The batch with no savepoint: a vote refused has written nothing. Throws (the transaction still open) when a statement fails. */
  const writeAll = (batch: readonly VoteRequest[]): VoteOutcome[] => {
    const targets = new Map<string, VoteTarget | undefined>();
    return batch.map((v) => outcomeOf(castRequested(v, targets)));
  };

  /** Each vote under its own savepoint: a statement that fails undoes its vote only. */
  const writeEachAlone = (batch: readonly VoteRequest[]): VoteOutcome[] => {
    const targets = new Map<string, VoteTarget | undefined>();
    return batch.map((v): VoteOutcome => {
      savepoint.run();
      try {
        const outcome = outcomeOf(castRequested(v, targets));
        release.run();
        return outcome;
      } catch (error) {
        rollbackToSavepoint.run();
        release.run();
        // A statement failed: the check may have been read before what failed it, so read it again.
        targets.clear();
        return { ok: false, error };
      }
    });
  };

  const inTransaction = (write: (batch: readonly VoteRequest[]) => VoteOutcome[], batch: readonly VoteRequest[]): VoteOutcome[] => {
    begin.run();
    try {
      const outcomes = write(batch);
      commit.run();
      return outcomes;
    } catch (error) {
      if (database.inTransaction) rollback.run();
      throw error;
    }
  };

  return (batch) => {
    try {
      return inTransaction(writeAll, batch);
    } catch {
      // Rolled back: redo it vote by vote, so only the vote at fault fails.
      return inTransaction(writeEachAlone, batch);
    }
  };
}
