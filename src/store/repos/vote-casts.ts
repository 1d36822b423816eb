/**
 * Casting votes: one vote in the caller's transaction, and a batch (group commit) round by round
 * in set-wise statements, redone vote by vote under savepoints should a statement fail. The
 * statements themselves are dialect/vote-statements.ts's, the same the SQLite writer thread runs.
 */
import { CompiledQuery } from 'kysely';
import type { VoteValue } from '../../core/index.js';
import type { Db } from '../db-type.js';
import {
  appendVoteLog as logRows,
  keepKeys,
  keptKey as keptKeyOf,
  keptKeys,
  upsertCurrentVotes,
  voteTarget as voteTargetOf,
  voteTargets,
} from '../dialect/vote-statements.js';
import { prepared } from '../prepared.js';
import { inTransaction } from '../tx.js';
import type { CastResult, CastVote, VoteOutcome, VoteRequest, VoteTarget } from '../vote-types.js';
import { answerFromKey, refusal } from './vote-rules.js';

const voteTarget = prepared((db: Db, orgId: string, statementId: string) => voteTargetOf(db, orgId, statementId));

/** The key kept with its vote's answer, unless the member used it before (then no row comes back). */
const keepKey = prepared((db: Db, orgId: string, memberId: string, idempotencyKey: string, statementId: string, value: VoteValue, at: string) =>
  keepKeys(db, [{ org_id: orgId, member_id: memberId, idempotency_key: idempotencyKey, statement_id: statementId, value, cast_at: at }]),
);

const keptKey = prepared((db: Db, memberId: string, idempotencyKey: string) => keptKeyOf(db, memberId, idempotencyKey));

/** The current vote, unless it already has this value (then no row comes back). */
const upsertCurrentVote = prepared((db: Db, orgId: string, issueId: string, statementId: string, memberId: string, value: VoteValue, at: string) =>
  upsertCurrentVotes(db, [{ org_id: orgId, issue_id: issueId, statement_id: statementId, member_id: memberId, value, updated_at: at }]),
);

const appendVoteLog = prepared(
  (db: Db, orgId: string, issueId: string, statementId: string, memberId: string, value: VoteValue, idempotencyKey: string | null, at: string) =>
    logRows(db, [{ org_id: orgId, issue_id: issueId, statement_id: statementId, member_id: memberId, value, idempotency_key: idempotencyKey, cast_at: at }]),
);

/** One vote inside the caller's transaction. */
async function castOne(trx: Db, v: CastVote): Promise<CastResult> {
  // The key first, kept whether or not the vote changes anything: a key the member used before
  // (or that a concurrent vote took, which this one waits for) gets its first answer, and nothing is written.
  if (v.idempotencyKey !== null && !(await keepKey(trx, v.orgId, v.memberId, v.idempotencyKey, v.statementId, v.value, v.at)).rows[0]) {
    return answerFromKey((await keptKey(trx, v.memberId, v.idempotencyKey)).rows[0], v.statementId, v.issueId);
  }
  // The current vote next: its row lock orders concurrent votes of one member on one
  // statement, so the log is appended in the order the current vote changes. Unchanged: no row.
  const changed = (await upsertCurrentVote(trx, v.orgId, v.issueId, v.statementId, v.memberId, v.value, v.at)).rows[0];
  if (!changed) return { value: v.value, changed: false, issueId: v.issueId };
  await appendVoteLog(trx, v.orgId, v.issueId, v.statementId, v.memberId, v.value, v.idempotencyKey, v.at);
  return { value: v.value, changed: true, issueId: v.issueId };
}

/**
 * Cast or change a vote: the append-only log and the current vote are written in one
 * transaction, so the current vote always equals the member's newest logged vote; the log gets
 * a row only when the vote changes. A keyed vote keeps its key (vote_keys) either way, so a
 * retry is answered as the first request was, however late, and writes nothing.
 */
export async function castVote(db: Db, v: CastVote): Promise<CastResult> {
  return inTransaction(db, (trx) => castOne(trx, v));
}

/** A requested vote as castOne writes it, once its statement is known to be open to the voter. */
const toCast = (r: VoteRequest, target: VoteTarget): CastVote => ({
  orgId: r.orgId,
  issueId: target.issue_id,
  statementId: r.statementId,
  memberId: r.memberId,
  value: r.value,
  idempotencyKey: r.idempotencyKey,
  at: r.at,
});

/** One requested vote inside the caller's transaction: its statement checked, then castOne. */
async function castRequested(trx: Db, r: VoteRequest): Promise<CastResult> {
  const target = (await voteTarget(trx, r.orgId, r.statementId)).rows[0];
  const refused = refusal(target, r.seesAllStatements);
  if (refused) throw refused;
  return castOne(trx, toCast(r, target!));
}

/** The batch's positions by round: votes of one round share no (member, statement) and no (member, key), so none depends on another. */
function roundsOf(batch: readonly VoteRequest[]): number[][] {
  const rounds: number[][] = [];
  const roundOfPair = new Map<string, number>();
  const roundOfKey = new Map<string, number>();
  batch.forEach((v, position) => {
    const pair = `${v.memberId}\u0000${v.statementId}`;
    const key = v.idempotencyKey === null ? null : `${v.memberId}\u0000${v.idempotencyKey}`;
    const r = Math.max(roundOfPair.get(pair) ?? -1, key === null ? -1 : (roundOfKey.get(key) ?? -1)) + 1;
    roundOfPair.set(pair, r);
    if (key !== null) roundOfKey.set(key, r);
    (rounds[r] ??= []).push(position);
  });
  return rounds;
}

/**
 * A round in four statements: its statements (each vote refused when its statement is not open
 * to the voter), its keys (one insert that returns those kept now; the others, used before, are
 * read back in a fifth statement and answered from there), the current votes (one upsert that
 * returns those that changed), the log rows of those. Should a statement fail, it throws, and
 * the caller redoes the batch vote by vote.
 */
async function castRound(trx: Db, round: VoteRequest[]): Promise<VoteOutcome[]> {
  const outcomes: (VoteOutcome | undefined)[] = new Array(round.length);
  const statementIds = [...new Set(round.map((r) => r.statementId))];
  const targets = await voteTargets(trx, statementIds).execute();
  const targetOf = new Map(targets.map((t) => [`${t.org_id}\u0000${t.id}`, t]));
  const casts: (CastVote | undefined)[] = round.map((r, i) => {
    const target = targetOf.get(`${r.orgId}\u0000${r.statementId}`);
    const refused = refusal(target, r.seesAllStatements);
    if (refused) outcomes[i] = { ok: false, error: refused };
    return refused ? undefined : toCast(r, target!);
  });
  const keyOf = (memberId: string, idempotencyKey: string | null) => `${memberId}\u0000${idempotencyKey}`;
  const keyed = casts.filter((v): v is CastVote & { idempotencyKey: string } => v !== undefined && v.idempotencyKey !== null);
  if (keyed.length > 0) {
    // The keys first, as in castOne: each kept with its vote's answer, changed or not.
    const keptNow = await keepKeys(
      trx,
      keyed.map((v) => ({
        org_id: v.orgId,
        member_id: v.memberId,
        idempotency_key: v.idempotencyKey,
        statement_id: v.statementId,
        value: v.value,
        cast_at: v.at,
      })),
    ).execute();
    const fresh = new Set(keptNow.map((k) => keyOf(k.member_id, k.idempotency_key)));
    const retries = keyed.filter((v) => !fresh.has(keyOf(v.memberId, v.idempotencyKey)));
    if (retries.length > 0) {
      // Keys used before: each vote answered as its key's first vote was, nothing written.
      const kept = await keptKeys(trx, retries).execute();
      const byKey = new Map(kept.map((k) => [keyOf(k.member_id, k.idempotency_key), k]));
      casts.forEach((v, i) => {
        if (!v || v.idempotencyKey === null || fresh.has(keyOf(v.memberId, v.idempotencyKey))) return;
        try {
          outcomes[i] = { ok: true, result: answerFromKey(byKey.get(keyOf(v.memberId, v.idempotencyKey)), v.statementId, v.issueId) };
        } catch (error) {
          outcomes[i] = { ok: false, error };
        }
      });
    }
  }
  const toWrite = casts.filter((v, i): v is CastVote => v !== undefined && outcomes[i] === undefined);
  if (toWrite.length > 0) {
    // The current votes first, as in castOne; the log follows in the round's order.
    const changedRows = await upsertCurrentVotes(
      trx,
      toWrite.map((v) => ({ org_id: v.orgId, issue_id: v.issueId, statement_id: v.statementId, member_id: v.memberId, value: v.value, updated_at: v.at })),
    ).execute();
    const changed = new Set(changedRows.map((r) => `${r.member_id}\u0000${r.statement_id}`));
    const toLog = toWrite.filter((v) => changed.has(`${v.memberId}\u0000${v.statementId}`));
    if (toLog.length > 0) {
      await logRows(
        trx,
        toLog.map((v) => ({
          org_id: v.orgId,
          issue_id: v.issueId,
          statement_id: v.statementId,
          member_id: v.memberId,
          value: v.value,
          idempotency_key: v.idempotencyKey,
          cast_at: v.at,
        })),
      ).execute();
    }
    casts.forEach((v, i) => {
      if (v) outcomes[i] ??= { ok: true, result: { value: v.value, changed: changed.has(`${v.memberId}\u0000${v.statementId}`), issueId: v.issueId } };
    });
  }
  return outcomes as VoteOutcome[];
}

const savepoint = (name: string) => CompiledQuery.raw(`savepoint ${name}`);
const rollbackTo = (name: string) => CompiledQuery.raw(`rollback to savepoint ${name}`);
const release = (name: string) => CompiledQuery.raw(`release savepoint ${name}`);

/** Run `work` under a savepoint: on failure nothing of it stays and the transaction goes on. */
async function underSavepoint<T>(trx: Db, name: string, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  await trx.executeQuery(savepoint(name));
  try {
    const value = await work();
    await trx.executeQuery(release(name));
    return { ok: true, value };
  } catch (error) {
    await trx.executeQuery(rollbackTo(name));
    await trx.executeQuery(release(name));
    return { ok: false, error };
  }
}

/**
 * Cast a batch of requested votes in one transaction (group commit), as if each had been cast
 * alone in the batch's order: same results, same errors, and one vote's failure (a statement not
 * open to the voter, a key used on another statement) fails that vote only. Votes are written a
 * round at a time, each round in a few set-wise statements. Should a statement fail (a statement
 * deleted meanwhile, a deadlock with another process), the whole batch is rolled back and redone
 * vote by vote, each under its own savepoint, so only the vote at fault fails. Throws only when
 * the transaction itself fails: then none was written.
 */
export async function castVotes(db: Db, batch: readonly VoteRequest[]): Promise<VoteOutcome[]> {
  if (batch.length === 0) return [];
  if (!db.isTransaction) {
    try {
      return await db.transaction().execute(async (trx) => {
        const outcomes: VoteOutcome[] = new Array(batch.length);
        for (const positions of roundsOf(batch)) {
          const written = await castRound(
            trx,
            positions.map((p) => batch[p]!),
          );
          positions.forEach((p, i) => (outcomes[p] = written[i]!));
        }
        return outcomes;
      });
    } catch {
      // Rolled back: redo it vote by vote below.
    }
  }
  return inTransaction(db, async (trx) => {
    const outcomes: VoteOutcome[] = [];
    for (const r of batch) {
      const alone = await underSavepoint(trx, 'vote', () => castRequested(trx, r));
      outcomes.push(alone.ok ? { ok: true, result: alone.value } : alone);
    }
    return outcomes;
  });
}
