/**
 * The member's wallet of blind-signed criticism tokens, kept in this browser's localStorage per
 * organisation: finished tokens per epoch (ISO week), the issuance still under way (so a lost
 * answer is asked for again with the same blinded messages, see refill.ts), and the keys the page
 * refused (key transparency, see keys.ts).
 *
 * When a token may be spent is the point of this file. The server saw the member when it issued
 * the token; if a token could be spent right after, the two moments side by side would name the
 * author. So a token is never spent in the page session that fetched it, and not before the UTC
 * day after it was fetched (a new member's first tokens, or a new device's, wait a day), nor
 * before its epoch starts (next week's tokens are fetched ahead).
 */
import type { CriticismToken } from '../../contract/criticism-tokens.js';
import { dayOf } from '../../core/criticism.js';
import type { BlindedItem } from './blind.js';
import type { KeyVerdict } from './keys.js';

/** The part of the Storage interface the wallet uses (localStorage in the page, a fake in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const DAY = 86_400_000;

/** A finished, verified token, with the UTC day and the page session it was fetched in. */
export interface HeldToken extends CriticismToken {
  fetchedOn: string;
  session: string;
}

/** The tokens of one epoch, with the window in which the server accepts them. */
export interface EpochPurse {
  epoch: string;
  spendableFrom: string;
  spendableUntil: string;
  tokens: HeldToken[];
}

/** Blinded messages kept before they were sent: until their signatures are finished, they are asked for again, the same. */
export interface PendingIssuance {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  spendableFrom: string;
  spendableUntil: string;
  preparedAt: string;
  items: BlindedItem[];
}

/** A key this page would not use: the server gave this member a key other than the one it published, or a weak one. */
export interface KeyRefusal {
  epoch: string;
  reason: Extract<KeyVerdict, { ok: false }>['reason'];
  fingerprint: string | null;
  at: string;
}

export interface WalletRecord {
  purses: EpochPurse[];
  pending: PendingIssuance[];
  refused: KeyRefusal[];
  /** The epoch in which the last refill went through for this epoch and the next: until the next epoch, pages need not ask again. */
  refilledIn?: string;
}

/** This page load: tokens fetched by it are not spent by it. */
export const PAGE_SESSION: string = randomId();

function randomId(): string {
  const bytes = globalThis.crypto?.getRandomValues
    ? globalThis.crypto.getRandomValues(new Uint8Array(12))
    : Uint8Array.from({ length: 12 }, () => Math.floor(Math.random() * 256));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const keyOf = (orgId: string) => `massline:criticism-wallet:${orgId}`;

/** localStorage, or undefined where the browser refuses it (storage disabled, some private modes). */
export function browserStore(): KeyValueStore | undefined {
  try {
    const s = globalThis.localStorage;
    const probe = 'massline:probe';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return undefined;
  }
}

const isString = (x: unknown): x is string => typeof x === 'string';

function isToken(x: unknown): x is CriticismToken {
  const t = x as Partial<CriticismToken> | null;
  return !!t && isString(t.epoch) && isString(t.message) && isString(t.signature);
}

function isPurse(x: unknown): x is { epoch: string; spendableUntil: string; spendableFrom?: unknown; tokens: unknown[] } {
  const p = x as Partial<EpochPurse> | null;
  return !!p && isString(p.epoch) && isString(p.spendableUntil) && Array.isArray(p.tokens);
}

function isPending(x: unknown): x is PendingIssuance {
  const p = x as Partial<PendingIssuance> | null;
  return (
    !!p &&
    isString(p.epoch) &&
    isString(p.publicKey) &&
    isString(p.fingerprint) &&
    isString(p.spendableFrom) &&
    isString(p.spendableUntil) &&
    Array.isArray(p.items) &&
    p.items.every((i: Partial<BlindedItem> | null) => !!i && isString(i.message) && isString(i.inv) && isString(i.blinded))
  );
}

function isRefusal(x: unknown): x is KeyRefusal {
  const r = x as Partial<KeyRefusal> | null;
  return !!r && isString(r.epoch) && isString(r.reason) && isString(r.at);
}

/**
 * Everything kept for an organisation, without what can no longer be spent. A wallet written by
 * an earlier version (a plain list of purses) is read too: its tokens count as fetched long ago.
 */
export function readRecord(store: KeyValueStore, orgId: string, now: number = Date.now()): WalletRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(keyOf(orgId)) ?? '{}');
  } catch {
    parsed = {};
  }
  const raw = (Array.isArray(parsed) ? { purses: parsed } : (parsed ?? {})) as { purses?: unknown; pending?: unknown; refused?: unknown; refilledIn?: unknown };
  const purses = (Array.isArray(raw.purses) ? raw.purses : [])
    .filter(isPurse)
    .map((p): EpochPurse => ({
      epoch: p.epoch,
      spendableFrom: isString(p.spendableFrom) ? p.spendableFrom : new Date(0).toISOString(),
      spendableUntil: p.spendableUntil,
      tokens: p.tokens.filter(isToken).map((t) => {
        const held = t as Partial<HeldToken>;
        return {
          epoch: t.epoch,
          message: t.message,
          signature: t.signature,
          fetchedOn: isString(held.fetchedOn) ? held.fetchedOn : '1970-01-01',
          session: isString(held.session) ? held.session : '',
        };
      }),
    }))
    .filter((p) => Date.parse(p.spendableUntil) > now && p.tokens.length > 0)
    .sort((a, b) => a.epoch.localeCompare(b.epoch));
  const pending = (Array.isArray(raw.pending) ? raw.pending : []).filter(isPending).filter((p) => Date.parse(p.spendableUntil) > now);
  const refused = (Array.isArray(raw.refused) ? raw.refused : []).filter(isRefusal).filter((r) => now - Date.parse(r.at) < 21 * DAY);
  return isString(raw.refilledIn) ? { purses, pending, refused, refilledIn: raw.refilledIn } : { purses, pending, refused };
}

export function writeRecord(store: KeyValueStore, orgId: string, record: WalletRecord): void {
  const purses = record.purses.filter((p) => p.tokens.length > 0);
  if (purses.length === 0 && record.pending.length === 0 && record.refused.length === 0 && record.refilledIn === undefined) store.removeItem(keyOf(orgId));
  else store.setItem(keyOf(orgId), JSON.stringify({ purses, pending: record.pending, refused: record.refused, refilledIn: record.refilledIn }));
}

/** Change the kept record in one read and one write. */
export function updateRecord(store: KeyValueStore, orgId: string, change: (r: WalletRecord) => WalletRecord, now: number = Date.now()): WalletRecord {
  const next = change(readRecord(store, orgId, now));
  writeRecord(store, orgId, next);
  return next;
}

/** The purses that can still be spent at `now`, oldest epoch first (those expire first). */
export function readWallet(store: KeyValueStore, orgId: string, now: number = Date.now()): EpochPurse[] {
  return readRecord(store, orgId, now).purses;
}

/** Why a held token may not be spent at a moment, or that it may. */
export type Spendability = 'spendable' | 'expired' | 'epoch-not-started' | 'this-session' | 'fetched-today';

/**
 * The rule: a token may be spent once its epoch has started and before its window closes, in a
 * page session other than the one that fetched it, and from the UTC day after it was fetched.
 */
export function spendability(
  token: HeldToken,
  purse: Pick<EpochPurse, 'spendableFrom' | 'spendableUntil'>,
  now: number,
  session: string = PAGE_SESSION,
): Spendability {
  if (now >= Date.parse(purse.spendableUntil)) return 'expired';
  if (now < Date.parse(purse.spendableFrom)) return 'epoch-not-started';
  if (token.fetchedOn >= dayOf(new Date(now))) return 'fetched-today';
  if (token.session === session) return 'this-session';
  return 'spendable';
}

/** The earliest moment a token fetched on `fetchedOn` may be spent by the day rule and its epoch's start. */
export function spendableAt(token: HeldToken, purse: Pick<EpochPurse, 'spendableFrom'>): number {
  return Math.max(Date.parse(purse.spendableFrom), Date.parse(`${token.fetchedOn}T00:00:00Z`) + DAY);
}

/** Tokens that may be spent at `now`, oldest epoch first. */
export function spendableTokens(store: KeyValueStore, orgId: string, now: number = Date.now(), session: string = PAGE_SESSION): HeldToken[] {
  return readWallet(store, orgId, now).flatMap((p) => p.tokens.filter((t) => spendability(t, p, now, session) === 'spendable'));
}

/** How many tokens the wallet holds that may be spent now. */
export function tokensHeld(store: KeyValueStore, orgId: string, now: number = Date.now(), session: string = PAGE_SESSION): number {
  return spendableTokens(store, orgId, now, session).length;
}

/** The token to spend next: the oldest epoch's first spendable one. It stays in the wallet until `dropToken`. */
export function nextToken(store: KeyValueStore, orgId: string, now: number = Date.now(), session: string = PAGE_SESSION): HeldToken | undefined {
  return spendableTokens(store, orgId, now, session)[0];
}

/** Remove a token (spent, or refused by the server). */
export function dropToken(store: KeyValueStore, orgId: string, token: CriticismToken, now: number = Date.now()): void {
  updateRecord(store, orgId, (r) => ({ ...r, purses: r.purses.map((p) => ({ ...p, tokens: p.tokens.filter((t) => t.message !== token.message) })) }), now);
}

/** Add finished tokens to an epoch's purse (a token already held is kept once). */
export function withTokens(record: WalletRecord, purse: EpochPurse): WalletRecord {
  const purses = record.purses.map((p) => ({ ...p, tokens: [...p.tokens] }));
  const same = purses.find((p) => p.epoch === purse.epoch);
  if (same) same.tokens.push(...purse.tokens.filter((t) => !same.tokens.some((s) => s.message === t.message)));
  else purses.push({ ...purse, tokens: [...purse.tokens] });
  return { ...record, purses: purses.sort((a, b) => a.epoch.localeCompare(b.epoch)) };
}

export function addTokens(store: KeyValueStore, orgId: string, purse: EpochPurse, now: number = Date.now()): void {
  updateRecord(store, orgId, (r) => withTokens(r, purse), now);
}

/** What the wallet can do now, as the page says it. */
export type WalletSummary =
  /** `spendable` tokens may be spent now; `later` more are held for later (next week's, or fetched today). */
  | { kind: 'ready'; spendable: number; later: number }
  /** Tokens are held, none may be spent yet: fetched today (from tomorrow), or by this very page (from another page load). */
  | { kind: 'waiting'; held: number; from: string; reason: 'fetched-today' | 'this-session' }
  /** Nothing to spend this week; `nextWeek` tokens are held for the next epoch, usable from `from`. */
  | { kind: 'empty'; nextWeek: number; from: string | null };

/** Pure: what the kept tokens allow at `now`. */
export function summarise(record: WalletRecord, now: number, session: string = PAGE_SESSION): WalletSummary {
  let spendable = 0;
  const waiting: { at: number; reason: 'fetched-today' | 'this-session' }[] = [];
  const nextWeek: number[] = [];
  for (const p of record.purses) {
    for (const t of p.tokens) {
      const s = spendability(t, p, now, session);
      if (s === 'spendable') spendable++;
      else if (s === 'epoch-not-started') nextWeek.push(spendableAt(t, p));
      else if (s === 'this-session' || s === 'fetched-today') waiting.push({ at: s === 'fetched-today' ? spendableAt(t, p) : now, reason: s });
    }
  }
  const later = waiting.length + nextWeek.length;
  if (spendable > 0) return { kind: 'ready', spendable, later };
  if (waiting.length > 0) {
    const soonest = waiting.reduce((a, b) => (b.at < a.at ? b : a));
    return { kind: 'waiting', held: waiting.length, from: new Date(soonest.at).toISOString(), reason: soonest.reason };
  }
  return { kind: 'empty', nextWeek: nextWeek.length, from: nextWeek.length ? new Date(Math.min(...nextWeek)).toISOString() : null };
}

/** Whether this browser can make tokens: blind RSA needs WebCrypto, which browsers give only to secure (https or localhost) pages. */
export function canMakeTokens(): boolean {
  return globalThis.isSecureContext !== false && typeof globalThis.crypto?.subtle?.importKey === 'function';
}
