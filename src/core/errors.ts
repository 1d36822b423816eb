/**
 * The one closed vocabulary of expected failures. Domain and store code throw a DomainError
 * with one of these codes; the server maps each code to exactly one HTTP status
 * (server/errors.ts, checked for completeness by the compiler).
 */
export const errorCodes = [
  'bad_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_transition',
  'invite_invalid',
  'payload_too_large',
  'rate_limited',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
  }
}

export const notFound = (what: string): DomainError => new DomainError('not_found', `${what} not found`);
export const forbidden = (why: string): DomainError => new DomainError('forbidden', why);
export const conflict = (why: string): DomainError => new DomainError('conflict', why);
