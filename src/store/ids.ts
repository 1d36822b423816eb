import { createHash, randomBytes } from 'node:crypto';

/** A random identifier for anything exposed over HTTP: 96 bits, base64url, never sequential. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** A secret token (invite, session) of 256 bits. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** How a secret token is stored: its sha-256, so a database leak does not leak live tokens. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
