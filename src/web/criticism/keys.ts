/**
 * Key transparency, the member's side. A server (or a proxy) that handed each member a signing key
 * of their own would know whose token every criticism spends, blind signatures or not. So before
 * blinding anything under a key, and before spending a token, the page fetches the keys the
 * organisation published in its public chain, without the session (the same list for everyone),
 * and uses a key only if it is the one published for its epoch, byte for byte, and an RSA key of
 * at least 2048 bits with the public exponent 65537.
 */
import { fromBase64Url } from '../../contract/criticism-tokens.js';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { chainEntry, epochKeyContent } from '../../core/criticism.js';
import { ApiError } from '../api/client.js';
import { sha256Hex } from './hash.js';

/** An epoch key as the organisation's public chain holds it. */
export interface PublishedKey {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  publishedAt: string;
  chainPosition: number;
  entryHash: string;
  prevHash: string;
  contentHash: string;
}

export const MIN_MODULUS_BITS = 2048;
export const PUBLIC_EXPONENT = 65537;

export type KeyVerdict =
  | { ok: true; fingerprint: string }
  /**
   * `unpublished`: no key is published for the epoch; `different`: the published key is another
   * one; `weak`: not RSA, or a modulus under 2048 bits, or another exponent; `fingerprint`: the
   * fingerprint the server states is not the hash of the key's bytes; `chain`: the published
   * entry's hashes are not those of this key at its place in the chain.
   */
  | { ok: false; reason: 'unpublished' | 'different' | 'weak' | 'fingerprint' | 'chain'; fingerprint: string | null };

/** Lowercase hex SHA-256 of the key's DER bytes (SubjectPublicKeyInfo): what members compare out of band. */
export async function fingerprintOf(publicKey: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(fromBase64Url(publicKey)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The modulus size and public exponent of an RSA key, or null when the bytes are not an RSA public key. */
export async function rsaFactsOf(publicKey: string): Promise<{ modulusBits: number; exponent: number } | null> {
  try {
    const key = await globalThis.crypto.subtle.importKey('spki', new Uint8Array(fromBase64Url(publicKey)), { name: 'RSA-PSS', hash: 'SHA-384' }, true, [
      'verify',
    ]);
    const jwk = await globalThis.crypto.subtle.exportKey('jwk', key);
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) return null;
    return { modulusBits: bitLength(fromBase64Url(jwk.n)), exponent: bytesToNumber(fromBase64Url(jwk.e)) };
  } catch {
    return null;
  }
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0));
}

function bytesToNumber(bytes: Uint8Array): number {
  // An exponent longer than 6 bytes is not 65537 anyway; keep it out of float range.
  if (bytes.length > 6) return Number.POSITIVE_INFINITY;
  return bytes.reduce((n, b) => n * 256 + b, 0);
}

/**
 * Whether `given` (the key the identified epoch route handed this member, with the fingerprint it
 * stated) is the key published for `epoch` in the public chain, and strong enough.
 */
export async function verifyKey(epoch: string, given: { publicKey: string; fingerprint: string }, published: readonly PublishedKey[]): Promise<KeyVerdict> {
  const fingerprint = await fingerprintOf(given.publicKey);
  if (given.fingerprint.toLowerCase() !== fingerprint) return { ok: false, reason: 'fingerprint', fingerprint };
  const entry = published.find((k) => k.epoch === epoch);
  if (!entry) return { ok: false, reason: 'unpublished', fingerprint };
  const publishedFingerprint = await fingerprintOf(entry.publicKey);
  // Compared on the hash of the bytes, not the strings: the same DER bytes in either encoding pass.
  if (publishedFingerprint !== fingerprint) return { ok: false, reason: 'different', fingerprint };
  if (entry.fingerprint.toLowerCase() !== publishedFingerprint) return { ok: false, reason: 'fingerprint', fingerprint };
  if (!(await entryHolds(entry))) return { ok: false, reason: 'chain', fingerprint };
  const facts = await rsaFactsOf(given.publicKey);
  if (!facts || facts.modulusBits < MIN_MODULUS_BITS || facts.exponent !== PUBLIC_EXPONENT) return { ok: false, reason: 'weak', fingerprint };
  return { ok: true, fingerprint };
}

/** Whether a published entry's hashes are those of its key at its place: the entry others see links this very key. */
export async function entryHolds(entry: PublishedKey): Promise<boolean> {
  const contentHash = await sha256Hex(epochKeyContent({ epoch: entry.epoch, publicKey: entry.publicKey }));
  if (contentHash !== entry.contentHash) return false;
  return (
    (await sha256Hex(chainEntry({ prevHash: entry.prevHash, contentHash, position: entry.chainPosition, publishedAt: entry.publishedAt }))) === entry.entryHash
  );
}

function isPublishedKey(x: unknown): x is PublishedKey {
  const k = x as Partial<PublishedKey> | null;
  return (
    !!k &&
    typeof k.epoch === 'string' &&
    typeof k.publicKey === 'string' &&
    typeof k.fingerprint === 'string' &&
    typeof k.publishedAt === 'string' &&
    typeof k.chainPosition === 'number' &&
    typeof k.entryHash === 'string' &&
    typeof k.prevHash === 'string' &&
    typeof k.contentHash === 'string'
  );
}

/**
 * The organisation's published keys, asked for without the session: no cookie (credentials
 * 'omit'), no referrer, nothing cached, so the answer is the one every visitor gets.
 */
export async function fetchPublishedKeys(orgId: string): Promise<PublishedKey[]> {
  let res: Response;
  try {
    res = await fetch(pathOf(routeTable.criticismKeys, { orgId }), { method: 'GET', credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = payload as { error?: string; message?: string } | null;
    throw new ApiError(res.status, err?.error ?? 'internal', err?.message ?? res.statusText);
  }
  const keys = (payload as { keys?: unknown } | null)?.keys;
  return Array.isArray(keys) ? keys.filter(isPublishedKey) : [];
}

/** A fingerprint in groups of four, easier to read aloud and compare. */
export function groupedFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}
