import type SqliteDatabase from 'better-sqlite3';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Compilable } from 'kysely';
import type { VoteValue } from '../../core/vocabulary.js';
import type { Db } from '../db-type.js';
import { compileWithArguments } from '../prepared.js';
import { answerFromKey, refusal } from '../repos/vote-rules.js';
import type { Database } from '../schema/index.js';
import type { CastResult, KeptKey, VoteOutcome, VoteRequest, VoteTarget } from '../vote-types.js';
import { appendVoteLog, keepKeys, keptKey, upsertCurrentVotes, voteTarget } from './vote-statements.js';

/** Kysely with no connection, only SQLite's compiler: turns vote-statements.ts into SQLite text. */
const sqliteText: Db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/** A statement of vote-statements.ts prepared on `database`, with its arguments bound in order. */
function sqliteStatement<A extends unknown[], R>(database: SqliteDatabase.Database, build: (db: Db, ...args: A) => Compilable<R>) {
  const { query, bind } = compileWithArguments(sqliteText, build);
  const statement = database.prepare<unknown[], R>(query.sql);
  return { run: (...args: A) => statement.run(...bind(args)), get: (...args: A) => statement.get(...bind(args)) };
}

/**
 * A batch of votes in one SQLite transaction, in plain prepared statements, for the vote writer's
 * thread (the statements of dialect/vote-statements.ts compiled to SQLite text once: building
 * and compiling them per vote would cost more than running them). Each vote is castRequested of
 * repos/vote-casts.ts (its statement checked, then castOne), in the batch's order: the same
 * results and errors as casting them one at a time, and
 * one vote's failure fails that vote only. A vote is refused (its statement, a key used on
 * another statement) before it writes anything, so the batch is written with no savepoint per
 * vote; should a statement fail while writing, the batch is rolled back and written again with
 * each vote under its own savepoint, so only the vote at fault fails. Synchronous: the thread
 * does nothing else meanwhile.
 */
export function sqliteVoteBatch(database: SqliteDatabase.Database): (batch: readonly VoteRequest[]) => VoteOutcome[] {
  const voteTargetOf = sqliteStatement(database, (db: Db, orgId: string, statementId: string) => voteTarget(db, orgId, statementId));
  // The key kept with its vote's answer, unless the member used it before (then no row comes back).
  const keepKey = sqliteStatement(
    database,
    (db: Db, orgId: string, memberId: string, idempotencyKey: string, statementId: string, value: VoteValue, at: string) =>
      keepKeys(db, [{ org_id: orgId, member_id: memberId, idempotency_key: idempotencyKey, statement_id: statementId, value, cast_at: at }]),
  );
  const keptKeyOf = sqliteStatement(database, (db: Db, memberId: string, idempotencyKey: string) => keptKey(db, memberId, idempotencyKey));
  // The current vote, unless it already has this value (then no row comes back).
  const upsertCurrentVote = sqliteStatement(
    database,
    (db: Db, orgId: string, issueId: string, statementId: string, memberId: string, value: VoteValue, at: string) =>
      upsertCurrentVotes(db, [{ org_id: orgId, issue_id: issueId, statement_id: statementId, member_id: memberId, value, updated_at: at }]),
  );
  // The log row (with the key, if any, of the request that changed the vote).
  const appendLogRow = sqliteStatement(
    database,
    (db: Db, orgId: string, issueId: string, statementId: string, memberId: string, value: VoteValue, idempotencyKey: string | null, at: string) =>
      appendVoteLog(db, [
        { org_id: orgId, issue_id: issueId, statement_id: statementId, member_id: memberId, value, idempotency_key: idempotencyKey, cast_at: at },
      ]),
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
    if (target === undefined && !targets.has(at)) targets.set(at, (target = voteTargetOf.get(r.orgId, r.statementId)));
    const refused = refusal(target, r.seesAllStatements);
    if (refused) return new Refused(refused);
    const issueId = target!.issue_id;
    // The key first, kept whether or not the vote changes anything; a key used before gets its first answer, and nothing is written.
    if (r.idempotencyKey !== null && !keepKey.get(r.orgId, r.memberId, r.idempotencyKey, r.statementId, r.value, r.at)) {
      try {
        return answerFromKey(keptKeyOf.get(r.memberId, r.idempotencyKey) as KeptKey | undefined, r.statementId, issueId);
      } catch (error) {
        return new Refused(error);
      }
    }
    // The current vote next, then the log: unchanged, nothing is logged.
    if (!upsertCurrentVote.get(r.orgId, issueId, r.statementId, r.memberId, r.value, r.at)) return { value: r.value, changed: false, issueId };
    appendLogRow.run(r.orgId, issueId, r.statementId, r.memberId, r.value, r.idempotencyKey, r.at);
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
