/** What crosses between the vote writer (vote-writer.ts) and its thread (vote-writer-worker.ts). */
import { DomainError, type ErrorCode } from '../core/errors.js';
import type { CastResult, VoteRequest } from './repos/votes.js';

/** An error as it crosses: a DomainError keeps its code, anything else only its message. */
export type ThreadError = { code: ErrorCode | null; message: string };
export type ThreadOutcome = { ok: true; result: CastResult } | { ok: false; error: ThreadError };
export type ThreadRequest = { id: number; votes: VoteRequest[] } | { close: true };
export type ThreadReply = { id: number; outcomes: ThreadOutcome[] } | { id: number; error: ThreadError };

export function toThread(error: unknown): ThreadError {
  return { code: error instanceof DomainError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
}

export function fromThread(error: ThreadError): Error {
  return error.code === null ? new Error(error.message) : new DomainError(error.code, error.message);
}
