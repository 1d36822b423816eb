/**
 * Refilling the wallet ahead, losing nothing.
 *
 * Ahead: every page load of a member (any page of the app, criticising or not) makes sure the
 * wallet holds the quota for the current epoch and the next one, so tokens are issued a week
 * before they are needed and the identified issuance is never close in time to a spend.
 *
 * Losing nothing: the blinded messages and their secrets are stored before they are sent; until
 * their signatures are finished and verified they stay pending, and the next attempt (this page
 * or a later one) sends the same blinded messages again. The server answers those with the same
 * signatures and counts them once, so a lost answer costs no token and never more than the quota
 * is issued.
 *
 * Key transparency: nothing is blinded under a key that is not the one published for its epoch in
 * the organisation's public chain (see keys.ts).
 */
import { dayOf, epochOf } from '../../core/criticism.js';
import { api, ApiError } from '../api/client.js';
import { fetchPublishedKeys, verifyKey, type PublishedKey } from './keys.js';
import {
  browserStore,
  canMakeTokens,
  PAGE_SESSION,
  readRecord,
  summarise,
  updateRecord,
  withTokens,
  type KeyRefusal,
  type KeyValueStore,
  type PendingIssuance,
  type WalletRecord,
  type WalletSummary,
} from './wallet.js';
import { BLINDED_PER_REQUEST } from '../../contract/limits.js';

/** One epoch as the identified epoch route gives it to this member. */
export interface EpochOffer {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  issuedToMe: number;
  spendableFrom: string;
  spendableUntil: string;
}

export interface EpochInfo {
  quota: number;
  nextPublicationAt: string;
  epochs: EpochOffer[];
}

export type WalletState =
  | (WalletSummary & { refused: KeyRefusal[]; quota: number; fingerprint: string | null })
  /** This browser cannot keep or make tokens. */
  | { kind: 'unsupported'; reason: 'insecure' | 'storage' }
  | { kind: 'failed'; error: unknown; refused: KeyRefusal[] };

/** The server signs at most this many blinded messages in one request. */
const PER_REQUEST = BLINDED_PER_REQUEST;

function isOffer(x: unknown): x is EpochOffer {
  const e = x as Partial<EpochOffer> | null;
  return (
    !!e &&
    typeof e.epoch === 'string' &&
    typeof e.publicKey === 'string' &&
    typeof e.fingerprint === 'string' &&
    typeof e.issuedToMe === 'number' &&
    typeof e.spendableFrom === 'string' &&
    typeof e.spendableUntil === 'string'
  );
}

/** The epoch route's answer, read defensively: a server answering another shape gets no token made. */
export function epochInfoOf(raw: unknown): EpochInfo {
  const r = raw as Partial<EpochInfo> | null;
  if (!r || typeof r.quota !== 'number' || typeof r.nextPublicationAt !== 'string' || !Array.isArray(r.epochs) || !r.epochs.every(isOffer)) {
    throw new ApiError(502, 'internal', 'the criticism epoch answer is not in the expected shape');
  }
  return { quota: r.quota, nextPublicationAt: r.nextPublicationAt, epochs: r.epochs };
}

async function epochInfo(orgId: string): Promise<EpochInfo> {
  return epochInfoOf(await api.criticismEpoch(orgId));
}

const loads = new Map<string, Promise<WalletState>>();

/**
 * Refill once per page load (later calls get the same answer); `again` starts a new attempt, as a
 * retry button does. The page's own state, after spending, comes from `walletNow`, not from here.
 */
export function refill(orgId: string, again = false): Promise<WalletState> {
  const done = loads.get(orgId);
  if (done && !again) return done;
  const job = withWalletLock(orgId, () => refillNow(orgId));
  loads.set(orgId, job);
  return job;
}

/**
 * Whether a page should refill in the background: not when this browser already went through a
 * refill in this epoch (this epoch's tokens and the next's are held or spent, under checked keys)
 * and nothing is waiting to be asked again. So a member's pages ask the server once a week, not on
 * every load; the criticism page itself still checks each time it opens.
 */
export function refillDue(orgId: string, now: number = Date.now()): boolean {
  const store = browserStore();
  if (!store) return false;
  const record = readRecord(store, orgId, now);
  return record.pending.length > 0 || record.refilledIn !== epochOf(new Date(now));
}

/** One tab at a time works on a wallet (where the browser offers Web Locks): two tabs would ask for the same quota twice. */
function withWalletLock<T>(orgId: string, work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  if (!locks) return work();
  // The lock's promise settles with the callback's own result (the DOM typing wraps it once more).
  return locks.request(`massline:criticism-wallet:${orgId}`, work) as unknown as Promise<T>;
}

/** What the wallet allows now, without asking the server. */
export function walletNow(orgId: string, quota: number, fingerprint: string | null, now: number = Date.now()): WalletState {
  const store = browserStore();
  if (!store) return { kind: 'unsupported', reason: 'storage' };
  const record = readRecord(store, orgId, now);
  return { ...summarise(record, now), refused: record.refused, quota, fingerprint };
}

async function refillNow(orgId: string): Promise<WalletState> {
  const store = browserStore();
  if (!store) return { kind: 'unsupported', reason: 'storage' };
  if (!canMakeTokens()) return { kind: 'unsupported', reason: 'insecure' };
  try {
    let info = await epochInfo(orgId);
    const published = await fetchPublishedKeys(orgId);
    const trusted = await trustedOffers(store, orgId, info, published);
    if (await finishPending(store, orgId, trusted)) {
      // What the server counts now, the answers just finished included.
      info = await epochInfo(orgId);
    }
    let complete = true;
    for (const offer of info.epochs) {
      const known = trusted.get(offer.epoch);
      // A key that changed since it was checked is not used: it is checked again on the next load.
      if (!known || known.fingerprint !== offer.fingerprint || known.publicKey !== offer.publicKey) {
        complete = false;
        continue;
      }
      await issue(store, orgId, offer, info.quota - offer.issuedToMe);
    }
    const current = info.epochs[0]?.epoch;
    // Both epochs filled under checked keys: pages need not ask again before the next epoch.
    if (complete && current !== undefined && readRecord(store, orgId).pending.length === 0) updateRecord(store, orgId, (r) => ({ ...r, refilledIn: current }));
    return walletNow(orgId, info.quota, info.epochs[0] && trusted.has(info.epochs[0].epoch) ? info.epochs[0].fingerprint : null);
  } catch (error) {
    // Tokens already held stay usable (each is checked against the published key when spent); otherwise the page offers a retry.
    const held = walletNow(orgId, 0, null);
    if (held.kind === 'ready') return held;
    return { kind: 'failed', error, refused: readRecord(store, orgId).refused };
  }
}

/** Check each offered key against the published ones; keep a refusal for each that fails, and use none of them. */
async function trustedOffers(store: KeyValueStore, orgId: string, info: EpochInfo, published: readonly PublishedKey[]): Promise<Map<string, EpochOffer>> {
  const trusted = new Map<string, EpochOffer>();
  const refusals: KeyRefusal[] = [];
  for (const offer of info.epochs) {
    const verdict = await verifyKey(offer.epoch, offer, published);
    if (verdict.ok) trusted.set(offer.epoch, offer);
    else refusals.push({ epoch: offer.epoch, reason: verdict.reason, fingerprint: verdict.fingerprint, at: new Date().toISOString() });
  }
  updateRecord(store, orgId, (r) => ({
    ...r,
    // A refusal stays until the key of its epoch checks out; a pending issuance under a refused key is dropped.
    refused: [...r.refused.filter((x) => !trusted.has(x.epoch) && !refusals.some((n) => n.epoch === x.epoch)), ...refusals],
    pending: r.pending.filter((p) => trusted.get(p.epoch)?.fingerprint === p.fingerprint),
  }));
  return trusted;
}

/** Ask again for every pending issuance of a trusted key, with the same blinded messages; true when any was asked. */
async function finishPending(store: KeyValueStore, orgId: string, trusted: Map<string, EpochOffer>): Promise<boolean> {
  const pending = readRecord(store, orgId).pending.filter((p) => trusted.has(p.epoch));
  for (const p of pending) await send(store, orgId, p);
  return pending.length > 0;
}

/** Ask for `missing` tokens of an epoch, at most PER_REQUEST at a time, each batch kept before it is sent. */
async function issue(store: KeyValueStore, orgId: string, offer: EpochOffer, missing: number): Promise<void> {
  const { blindMessages } = await import('./blind.js');
  while (missing > 0) {
    const n = Math.min(PER_REQUEST, missing);
    const pending: PendingIssuance = {
      epoch: offer.epoch,
      publicKey: offer.publicKey,
      fingerprint: offer.fingerprint,
      spendableFrom: offer.spendableFrom,
      spendableUntil: offer.spendableUntil,
      preparedAt: new Date().toISOString(),
      items: await blindMessages(offer.publicKey, n),
    };
    // Kept before it is sent: if the answer is lost, the next attempt sends these same messages.
    updateRecord(store, orgId, (r) => ({ ...r, pending: [...r.pending, pending] }));
    if (!(await send(store, orgId, pending))) return;
    missing -= n;
  }
}

/**
 * Send a pending issuance's blinded messages, finish and verify the signatures, and keep the
 * tokens in place of the pending issuance in one write. False when the server refused them over
 * the quota (they were never signed: another browser of this member used the quota).
 */
async function send(store: KeyValueStore, orgId: string, pending: PendingIssuance): Promise<boolean> {
  let blindSignatures: string[];
  try {
    ({ blindSignatures } = await api.criticismTokens(orgId, { epoch: pending.epoch, blinded: pending.items.map((i) => i.blinded) }));
  } catch (e) {
    // Over the quota (another browser of this member used it): never signed, so nothing is lost by
    // dropping them. A rate limit's 429 is not that: the messages stay, to be asked again alike.
    if (e instanceof ApiError && e.status === 429 && e.message.startsWith('blinded:')) {
      updateRecord(store, orgId, (r) => withoutPending(r, pending));
      return false;
    }
    throw e;
  }
  const { finishTokens } = await import('./blind.js');
  const tokens = await finishTokens(pending.epoch, pending.publicKey, pending.items, blindSignatures);
  const fetchedOn = dayOf(new Date());
  updateRecord(store, orgId, (r) =>
    withTokens(withoutPending(r, pending), {
      epoch: pending.epoch,
      spendableFrom: pending.spendableFrom,
      spendableUntil: pending.spendableUntil,
      tokens: tokens.map((t) => ({ ...t, fetchedOn, session: PAGE_SESSION })),
    }),
  );
  return true;
}

function withoutPending(r: WalletRecord, pending: PendingIssuance): WalletRecord {
  const first = pending.items[0]?.blinded;
  return { ...r, pending: r.pending.filter((p) => p.items[0]?.blinded !== first) };
}
