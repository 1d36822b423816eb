/**
 * The author's receipts, kept in this browser only: with one, a member checks later that their
 * criticism was published, and published unaltered. The content hash is recomputed here from the
 * words the member sent (and, once published, from the words the organisation shows), so the
 * check does not rest on the server's word alone.
 */
import { criticismContent, type CriticismTarget } from '../../core/criticism.js';
import { anonymousApi, ApiError, type CriticismDto, type CriticismReceiptDto, type CriticismReceiptStatusDto } from '../api/client.js';
import { sha256Hex } from './hash.js';
import type { KeyValueStore } from './wallet.js';

export { sha256Hex } from './hash.js';

/** What the member keeps of a criticism they sent. */
export interface KeptReceipt {
  id: string;
  contentHash: string;
  writtenOn: string;
  publishesAt: string;
  /** The opening words, so the member knows which one it is. */
  excerpt: string;
  target: { kind: CriticismTarget; id: string | null };
}

const keyOf = (orgId: string) => `massline:criticism-receipts:${orgId}`;
export const EXCERPT_CHARS = 80;

function isReceipt(x: unknown): x is KeptReceipt {
  const r = x as Partial<KeptReceipt> | null;
  return (
    !!r &&
    typeof r.id === 'string' &&
    typeof r.contentHash === 'string' &&
    typeof r.writtenOn === 'string' &&
    typeof r.publishesAt === 'string' &&
    typeof r.excerpt === 'string' &&
    !!r.target
  );
}

/** The receipts kept for an organisation, newest first. */
export function readReceipts(store: KeyValueStore | undefined, orgId: string): KeptReceipt[] {
  if (!store) return [];
  try {
    const parsed: unknown = JSON.parse(store.getItem(keyOf(orgId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isReceipt) : [];
  } catch {
    return [];
  }
}

export function keepReceipt(store: KeyValueStore | undefined, orgId: string, receipt: KeptReceipt): KeptReceipt[] {
  const all = [receipt, ...readReceipts(store, orgId).filter((r) => r.id !== receipt.id)];
  store?.setItem(keyOf(orgId), JSON.stringify(all));
  return all;
}

export function forgetReceipt(store: KeyValueStore | undefined, orgId: string, id: string): KeptReceipt[] {
  const all = readReceipts(store, orgId).filter((r) => r.id !== id);
  if (all.length === 0) store?.removeItem(keyOf(orgId));
  else store?.setItem(keyOf(orgId), JSON.stringify(all));
  return all;
}

export function excerptOf(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length <= EXCERPT_CHARS ? t : `${t.slice(0, EXCERPT_CHARS - 1)}…`;
}

/** The content hash of a criticism, from its words, target and day. */
export function contentHashOf(c: { id: string; target: { kind: string; id: string | null }; text: string; writtenOn: string }): Promise<string> {
  return sha256Hex(criticismContent({ id: c.id, targetKind: c.target.kind, targetId: c.target.id, text: c.text, writtenOn: c.writtenOn }));
}

/** A receipt as the server answered it, with what was sent: whether the server hashed exactly those words. */
export async function receiptMatches(receipt: CriticismReceiptDto, sent: { target: KeptReceipt['target']; text: string }): Promise<boolean> {
  return (await contentHashOf({ id: receipt.id, target: sent.target, text: sent.text, writtenOn: receipt.writtenOn })) === receipt.contentHash;
}

export type ReceiptVerdict =
  /**
   * In the public chain; `compared`: the words the page shows were hashed and match the receipt
   * (false when the page's list predates the publication: reload it to compare).
   */
  | { kind: 'published'; position: number | null; compared: boolean }
  /** Not yet published: it waits for the batch at `publishesAt`. */
  | { kind: 'pending'; publishesAt: string }
  /** What the server holds or shows is not what was sent. */
  | { kind: 'mismatch'; what: 'receipt' | 'published-text' | 'chain' }
  /** The server says there is no such criticism. */
  | { kind: 'missing' };

/**
 * Judge a receipt against the server's answer and, when it is published, against the copy the
 * organisation shows (`shown`, with the hash recomputed from its words). Pure.
 */
export function judgeReceipt(
  kept: KeptReceipt,
  status: CriticismReceiptStatusDto | null,
  shown?: { criticism: CriticismDto; contentHash: string },
): ReceiptVerdict {
  if (!status) return { kind: 'missing' };
  if (status.contentHash !== kept.contentHash || status.writtenOn !== kept.writtenOn) return { kind: 'mismatch', what: 'receipt' };
  if (status.status === 'pending') return { kind: 'pending', publishesAt: status.publishesAt };
  if (shown) {
    if (shown.contentHash !== kept.contentHash) return { kind: 'mismatch', what: 'published-text' };
    if (shown.criticism.chain.entryHash !== status.entryHash || shown.criticism.chain.contentHash !== kept.contentHash)
      return { kind: 'mismatch', what: 'chain' };
  }
  return { kind: 'published', position: status.position, compared: shown !== undefined };
}

/**
 * Check a kept receipt: ask the server (without the session) where it stands and, once it is
 * published, hash the words the organisation shows (from `published`, the list the page already
 * has: fetching it now, with the session, right after the anonymous request, would tie the two).
 */
export async function checkReceipt(orgId: string, kept: KeptReceipt, published: readonly CriticismDto[] | undefined): Promise<ReceiptVerdict> {
  let status: CriticismReceiptStatusDto | null;
  try {
    status = await anonymousApi.receipt(orgId, kept.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) status = null;
    else throw e;
  }
  // Without WebCrypto (a page not served over https) the words shown cannot be hashed here.
  const canHash = typeof globalThis.crypto?.subtle?.digest === 'function';
  const criticism = canHash ? published?.find((c) => c.id === kept.id) : undefined;
  const shown = criticism
    ? { criticism, contentHash: await contentHashOf({ id: criticism.id, target: criticism.target, text: criticism.text, writtenOn: criticism.writtenOn }) }
    : undefined;
  return judgeReceipt(kept, status, shown);
}
