/**
 * The member's wallet of blind-signed criticism tokens, kept in this browser's localStorage per
 * organisation and epoch (ISO week). The server signed each token without seeing it, so a spent
 * token cannot be traced back to the member it was issued to.
 *
 * The blind-RSA code is loaded only when tokens are fetched (a dynamic import), so no other page
 * (the voting page above all) carries it.
 */
import type { CriticismToken } from '../../contract/criticism-tokens.js';
import { api } from '../api/client.js';

/** A token kept for an epoch, with the moment after which the server no longer accepts it. */
export interface EpochPurse {
  epoch: string;
  spendableUntil: string;
  tokens: CriticismToken[];
}

/** The part of the Storage interface the wallet uses (localStorage in the page, a fake in tests). */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

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

function isToken(x: unknown): x is CriticismToken {
  const t = x as Partial<CriticismToken> | null;
  return !!t && typeof t.epoch === 'string' && typeof t.message === 'string' && typeof t.signature === 'string';
}

function isPurse(x: unknown): x is EpochPurse {
  const p = x as Partial<EpochPurse> | null;
  return !!p && typeof p.epoch === 'string' && typeof p.spendableUntil === 'string' && Array.isArray(p.tokens) && p.tokens.every(isToken);
}

/** The purses that can still be spent at `now`, oldest epoch first (those expire first). */
export function readWallet(store: KeyValueStore, orgId: string, now: number = Date.now()): EpochPurse[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(keyOf(orgId)) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(isPurse)
    .filter((p) => Date.parse(p.spendableUntil) > now && p.tokens.length > 0)
    .sort((a, b) => a.epoch.localeCompare(b.epoch));
}

function writeWallet(store: KeyValueStore, orgId: string, purses: readonly EpochPurse[]): void {
  const kept = purses.filter((p) => p.tokens.length > 0);
  if (kept.length === 0) store.removeItem(keyOf(orgId));
  else store.setItem(keyOf(orgId), JSON.stringify(kept));
}

/** How many tokens the wallet holds that can still be spent. */
export function tokensHeld(store: KeyValueStore, orgId: string, now: number = Date.now()): number {
  return readWallet(store, orgId, now).reduce((n, p) => n + p.tokens.length, 0);
}

/** The token to spend next: the oldest epoch's first. It stays in the wallet until `dropToken`. */
export function nextToken(store: KeyValueStore, orgId: string, now: number = Date.now()): CriticismToken | undefined {
  return readWallet(store, orgId, now)[0]?.tokens[0];
}

/** Remove a token (spent, or refused by the server). */
export function dropToken(store: KeyValueStore, orgId: string, token: CriticismToken, now: number = Date.now()): void {
  writeWallet(
    store,
    orgId,
    readWallet(store, orgId, now).map((p) => ({ ...p, tokens: p.tokens.filter((t) => t.message !== token.message) })),
  );
}

/** Add tokens of an epoch. */
export function addTokens(store: KeyValueStore, orgId: string, purse: EpochPurse, now: number = Date.now()): void {
  const purses = readWallet(store, orgId, now);
  const same = purses.find((p) => p.epoch === purse.epoch);
  if (same) same.tokens.push(...purse.tokens.filter((t) => !same.tokens.some((s) => s.message === t.message)));
  else purses.push(purse);
  writeWallet(store, orgId, purses);
}

/** Whether this browser can make tokens: blind RSA needs WebCrypto, which browsers give only to secure (https or localhost) pages. */
export function canMakeTokens(): boolean {
  return globalThis.isSecureContext !== false && typeof globalThis.crypto?.subtle?.importKey === 'function';
}

export type WalletState =
  /** Tokens are held: a criticism can be sent. */
  | { kind: 'ready'; held: number }
  /** None held and this epoch's quota is used up. */
  | { kind: 'exhausted'; quota: number }
  /** This browser cannot keep or make tokens. */
  | { kind: 'unsupported'; reason: 'insecure' | 'storage' }
  | { kind: 'failed'; error: unknown };

const inFlight = new Map<string, Promise<WalletState>>();

/**
 * Fetch what is left of this epoch's quota when the wallet holds no token of this epoch. Every
 * member's browser does this when they open the home page or the criticism page, whether or not
 * they mean to criticise, so being issued tokens says nothing about who criticises.
 */
export function refill(orgId: string): Promise<WalletState> {
  const running = inFlight.get(orgId);
  if (running) return running;
  const job = refillNow(orgId).finally(() => inFlight.delete(orgId));
  inFlight.set(orgId, job);
  return job;
}

async function refillNow(orgId: string): Promise<WalletState> {
  const store = browserStore();
  if (!store) return { kind: 'unsupported', reason: 'storage' };
  if (!canMakeTokens()) return { kind: 'unsupported', reason: 'insecure' };
  const held = () => tokensHeld(store, orgId);
  try {
    const info = await api.criticismEpoch(orgId);
    if (readWallet(store, orgId).some((p) => p.epoch === info.epoch)) return { kind: 'ready', held: held() };
    let remaining = info.quota - info.issuedToMe;
    if (remaining > 0) {
      const { requestTokens } = await import('../../contract/criticism-tokens.js');
      while (remaining > 0) {
        // The server signs at most 20 in one request.
        const pending = await requestTokens(info.epoch, info.publicKey, Math.min(20, remaining));
        const signed = await api.criticismTokens(orgId, { epoch: pending.epoch, blinded: pending.blinded });
        const tokens = await pending.finish(signed.blindSignatures);
        addTokens(store, orgId, { epoch: info.epoch, spendableUntil: info.spendableUntil, tokens });
        remaining -= tokens.length;
      }
    }
    const n = held();
    return n > 0 ? { kind: 'ready', held: n } : { kind: 'exhausted', quota: info.quota };
  } catch (error) {
    // Another tab may have fetched them meanwhile (the server then refuses this one over the quota).
    const n = held();
    return n > 0 ? { kind: 'ready', held: n } : { kind: 'failed', error };
  }
}
