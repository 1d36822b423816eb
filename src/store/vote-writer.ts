/**
 * Group commit for votes. Votes cast while a batch is being written (and all those that arrive
 * in the same turn of the event loop) are written together in the next batch, one transaction,
 * so one commit (one fsync with synchronous=FULL) serves many votes. Each caller is answered
 * after its batch has committed, with its own result or error, exactly as if the votes had
 * been cast one at a time in the order they arrived.
 *
 * On a SQLite file the batches are written by a worker thread with its own connection to the
 * file, in plain prepared statements (dialect/sqlite-vote-batch.ts), so neither the statements
 * nor the commit's fsync (nor a checkpoint) holds up the event loop that serves requests.
 * Elsewhere (PostgreSQL, where the wait is I/O anyway; an in-memory SQLite, which no other
 * connection can open) they are written through the store's own handle (repos/votes.ts
 * castVotes); on PostgreSQL a transaction runs on one checked-out client.
 */
import type { Db } from './db-type.js';
import { castVotes } from './repos/votes.js';
import type { CastResult, VoteOutcome, VoteRequest } from './vote-types.js';
import { outcomeFromThread, type VoteWriterMessages } from './vote-writer-messages.js';
import { workerBeside, workerClient } from './worker-protocol.js';

export interface VoteWriter {
  /** Cast or change a vote (its statement checked in the same transaction); resolves once the batch it was written in has committed. */
  cast(vote: VoteRequest): Promise<CastResult>;
  /** Write every vote already cast, then refuse new ones. */
  close(): Promise<void>;
  /** Batches written so far (committed or not), the votes in them, the largest. */
  stats(): { batches: number; votes: number; largestBatch: number };
}

/** Writes one batch; rejects only when none of it was written. */
type WriteBatch = (batch: VoteRequest[]) => Promise<VoteOutcome[]>;

/** Largest batch: bounds one transaction's length and its statements' parameter counts. */
const MAX_BATCH = 400;

interface Queued {
  vote: VoteRequest;
  resolve: (result: CastResult) => void;
  reject: (error: unknown) => void;
}

/** One batch in flight at a time; the next one gathers whatever arrives meanwhile. */
function groupCommit(write: WriteBatch, release: () => Promise<void>): VoteWriter {
  let queue: Queued[] = [];
  let writing = false;
  let scheduled = false;
  let closing: Promise<void> | null = null;
  let drained: (() => void) | null = null;
  const counts = { batches: 0, votes: 0, largestBatch: 0 };

  const settle = (batch: Queued[], outcomes: VoteOutcome[]) => {
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o?.ok) q.resolve(o.result);
      else q.reject(o ? o.error : new Error('vote writer: no outcome for a vote'));
    });
  };

  const flush = () => {
    scheduled = false;
    if (writing) return;
    if (queue.length === 0) {
      drained?.();
      return;
    }
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    writing = true;
    counts.batches += 1;
    counts.votes += batch.length;
    counts.largestBatch = Math.max(counts.largestBatch, batch.length);
    write(batch.map((q) => q.vote))
      .then(
        (outcomes) => settle(batch, outcomes),
        (error: unknown) => batch.forEach((q) => q.reject(error)),
      )
      .finally(() => {
        writing = false;
        flush();
      });
  };

  return {
    cast(vote) {
      if (closing) return Promise.reject(new Error('vote writer: the store is closing'));
      return new Promise<CastResult>((resolve, reject) => {
        queue.push({ vote, resolve, reject });
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    close() {
      closing ??= (async () => {
        if (writing || scheduled || queue.length > 0) await new Promise<void>((resolve) => (drained = resolve));
        await release();
      })();
      return closing;
    },
    stats: () => ({ ...counts }),
  };
}

/** Batches written through the store's own handle (PostgreSQL, in-memory SQLite). */
export function inlineVoteWriter(db: Db): VoteWriter {
  return groupCommit(
    (batch) => castVotes(db, batch),
    async () => undefined,
  );
}

/**
 * Batches written by a worker thread with its own connection to the SQLite file (started with
 * the first vote). A worker that dies fails its batch (the votes may or may not have been
 * written: not acknowledged, so a retry with the same key settles it); the next batch starts a
 * new one. The thread keeps the process alive only while a batch is in flight.
 */
export function threadVoteWriter(file: string): VoteWriter {
  const thread = workerClient<VoteWriterMessages>('vote writer thread', workerBeside(import.meta.url, 'vote-writer-worker'), { file });
  return groupCommit(
    async (votes) => (await thread.send('write', votes)).map(outcomeFromThread),
    () => thread.close(),
  );
}
