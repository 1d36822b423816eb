/**
 * A fresh key for one write, reused by its retries. getRandomValues works on plain http too
 * (randomUUID needs a secure context, and a self-hosted server may be reached without TLS).
 */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
