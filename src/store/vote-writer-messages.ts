/** What crosses between the vote writer (vote-writer.ts) and its thread (vote-writer-worker.ts), in the worker protocol. */
import type { CastResult, VoteOutcome, VoteRequest } from './vote-types.js';
import { fromWire, toWire, type Message, type WireError } from './worker-protocol.js';

/** One vote's outcome as it crosses: its result, or its error. */
export type ThreadOutcome = { ok: true; result: CastResult } | { ok: false; error: WireError };

export type VoteWriterMessages = {
  /** Write one batch in one transaction: each vote's outcome, in order (an error: none of it was written). */
  write: Message<VoteRequest[], ThreadOutcome[]>;
};

export const outcomeToThread = (o: VoteOutcome): ThreadOutcome => (o.ok ? o : { ok: false, error: toWire(o.error) });
export const outcomeFromThread = (o: ThreadOutcome): VoteOutcome => (o.ok ? o : { ok: false, error: fromWire(o.error) });
