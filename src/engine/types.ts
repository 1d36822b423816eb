/**
 * Shared vocabulary of the opinion engine: branded index types, the vote scale and a Result.
 *
 * Inside the engine, participants are matrix rows and statements are matrix columns, both dense
 * integers from 0 in order of first appearance. Keys (the caller's string ids) exist only at the
 * boundary: the store maps them once, and the analysis maps them back.
 */

declare const participantRowBrand: unique symbol;
declare const statementColumnBrand: unique symbol;

/** Row index of a participant in the vote matrix: an integer in [0, participantCount). */
export type ParticipantRow = number & { readonly [participantRowBrand]: true };

/** Column index of a statement in the vote matrix: an integer in [0, statementCount). */
export type StatementColumn = number & { readonly [statementColumnBrand]: true };

/** A vote: +1 agree, −1 disagree, 0 pass. (Pol.is's database uses agree = −1; we do not.) */
export type Vote = -1 | 0 | 1;

/** The outcome of an operation that can fail in an expected way. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** True when `value` is one of −1, 0, +1. */
export function isVote(value: number): value is Vote {
  return value === 1 || value === -1 || value === 0;
}
