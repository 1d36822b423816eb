import { describe, expect, it } from 'vitest';
import {
  addTokens,
  dropToken,
  nextToken,
  readRecord,
  readWallet,
  spendability,
  spendableAt,
  summarise,
  tokensHeld,
  updateRecord,
  type HeldToken,
  type KeyValueStore,
  type WalletRecord,
} from './wallet.js';

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}
/** Wednesday of 2026-W48. */
const now = Date.parse('2026-11-25T09:00:00Z');
const W47 = { epoch: '2026-W47', spendableFrom: '2026-11-16T00:00:00.000Z', spendableUntil: '2026-11-30T00:00:00.000Z' };
const W48 = { epoch: '2026-W48', spendableFrom: '2026-11-23T00:00:00.000Z', spendableUntil: '2026-12-07T00:00:00.000Z' };
const W49 = { epoch: '2026-W49', spendableFrom: '2026-11-30T00:00:00.000Z', spendableUntil: '2026-12-14T00:00:00.000Z' };
const token = (epoch: string, n: number, fetchedOn = '2026-11-24', session = 'an earlier page'): HeldToken => ({
  epoch,
  message: `${epoch}-m${n}`,
  signature: `s${n}`,
  fetchedOn,
  session,
});
const THIS_PAGE = 'this page';

describe('the spendability rule', () => {
  const t = token('2026-W48', 1);
  it('lets a token fetched yesterday by another page be spent in its window', () => {
    expect(spendability(t, W48, now, THIS_PAGE)).toBe('spendable');
  });
  it('keeps a token fetched today until the next UTC day, whichever page asks', () => {
    const today = token('2026-W48', 1, '2026-11-25');
    expect(spendability(today, W48, now, THIS_PAGE)).toBe('fetched-today');
    expect(spendability(today, W48, Date.parse('2026-11-25T23:59:59Z'), THIS_PAGE)).toBe('fetched-today');
    expect(spendability(today, W48, Date.parse('2026-11-26T00:00:00Z'), THIS_PAGE)).toBe('spendable');
    expect(spendableAt(today, W48)).toBe(Date.parse('2026-11-26T00:00:00Z'));
  });
  it('never lets the page that fetched a token spend it, even the next day', () => {
    expect(spendability(token('2026-W48', 1, '2026-11-24', THIS_PAGE), W48, now, THIS_PAGE)).toBe('this-session');
  });
  it('keeps next week’s tokens until their epoch starts, and drops what the server no longer accepts', () => {
    expect(spendability(token('2026-W49', 1), W49, now, THIS_PAGE)).toBe('epoch-not-started');
    expect(spendability(token('2026-W49', 1), W49, Date.parse('2026-11-30T00:00:00Z'), THIS_PAGE)).toBe('spendable');
    expect(spendableAt(token('2026-W49', 1), W49)).toBe(Date.parse(W49.spendableFrom));
    expect(spendability(token('2026-W47', 1), W47, Date.parse('2026-11-30T00:00:00Z'), THIS_PAGE)).toBe('expired');
  });
});

describe('the wallet’s states', () => {
  const record = (purses: WalletRecord['purses']): WalletRecord => ({ purses, pending: [], refused: [] });

  it('is ready with what may be spent now, and counts the rest as later', () => {
    const s = summarise(
      record([
        { ...W48, tokens: [token('2026-W48', 1), token('2026-W48', 2), token('2026-W48', 3, '2026-11-25')] },
        { ...W49, tokens: [token('2026-W49', 1)] },
      ]),
      now,
      THIS_PAGE,
    );
    expect(s).toEqual({ kind: 'ready', spendable: 2, later: 2 });
  });

  it('waits until tomorrow for a new member’s first tokens', () => {
    const s = summarise(
      record([
        { ...W48, tokens: [token('2026-W48', 1, '2026-11-25', THIS_PAGE)] },
        { ...W49, tokens: [token('2026-W49', 1, '2026-11-25', THIS_PAGE)] },
      ]),
      now,
      THIS_PAGE,
    );
    expect(s).toEqual({ kind: 'waiting', held: 1, from: '2026-11-26T00:00:00.000Z', reason: 'fetched-today' });
  });

  it('waits for another page when only this page’s tokens are left', () => {
    const s = summarise(record([{ ...W48, tokens: [token('2026-W48', 1, '2026-11-24', THIS_PAGE)] }]), now, THIS_PAGE);
    expect(s).toEqual({ kind: 'waiting', held: 1, from: new Date(now).toISOString(), reason: 'this-session' });
  });

  it('is empty when this week’s are spent, saying when next week’s may be', () => {
    expect(summarise(record([{ ...W49, tokens: [token('2026-W49', 1), token('2026-W49', 2)] }]), now, THIS_PAGE)).toEqual({
      kind: 'empty',
      nextWeek: 2,
      from: W49.spendableFrom,
    });
    expect(summarise(record([]), now, THIS_PAGE)).toEqual({ kind: 'empty', nextWeek: 0, from: null });
  });
});

describe('the kept wallet', () => {
  it('spends the oldest epoch first, only what may be spent, and keeps organisations apart', () => {
    const store = memoryStore();
    addTokens(store, 'org1', { ...W48, tokens: [token('2026-W48', 1), token('2026-W48', 2)] }, now);
    addTokens(store, 'org1', { ...W47, tokens: [token('2026-W47', 1, '2026-11-25')] }, now);
    addTokens(store, 'org1', { ...W49, tokens: [token('2026-W49', 1)] }, now);
    addTokens(store, 'org2', { ...W48, tokens: [token('2026-W48', 9)] }, now);
    expect(tokensHeld(store, 'org1', now, THIS_PAGE)).toBe(2);
    // W47's token was fetched today: W48's first goes first.
    expect(nextToken(store, 'org1', now, THIS_PAGE)?.message).toBe('2026-W48-m1');
    dropToken(store, 'org1', token('2026-W48', 1), now);
    expect(nextToken(store, 'org1', now, THIS_PAGE)?.message).toBe('2026-W48-m2');
    expect(nextToken(store, 'org1', Date.parse('2026-11-26T09:00:00Z'), THIS_PAGE)?.message).toBe('2026-W47-m1');
    expect(readWallet(store, 'org1', now).map((p) => p.epoch)).toEqual(['2026-W47', '2026-W48', '2026-W49']);
    expect(tokensHeld(store, 'org2', now, THIS_PAGE)).toBe(1);
  });

  it('adds a token it already holds once', () => {
    const store = memoryStore();
    addTokens(store, 'org1', { ...W48, tokens: [token('2026-W48', 1)] }, now);
    addTokens(store, 'org1', { ...W48, tokens: [token('2026-W48', 1), token('2026-W48', 2)] }, now);
    expect(tokensHeld(store, 'org1', now, THIS_PAGE)).toBe(2);
  });

  it('keeps pending issuance and refusals beside the tokens, until their window closes', () => {
    const store = memoryStore();
    const pending = { ...W48, publicKey: 'k', fingerprint: 'f', preparedAt: new Date(now).toISOString(), items: [{ message: 'm', inv: 'i', blinded: 'b' }] };
    updateRecord(
      store,
      'org1',
      (r) => ({ ...r, pending: [pending], refused: [{ epoch: '2026-W48', reason: 'different', fingerprint: 'f', at: new Date(now).toISOString() }] }),
      now,
    );
    expect(readRecord(store, 'org1', now).pending).toEqual([pending]);
    expect(readRecord(store, 'org1', now).refused.map((r) => r.reason)).toEqual(['different']);
    expect(readRecord(store, 'org1', Date.parse(W48.spendableUntil)).pending).toEqual([]);
  });

  it('reads a wallet of the earlier kind as tokens fetched long ago', () => {
    const store = memoryStore();
    store.setItem(
      'massline:criticism-wallet:org1',
      JSON.stringify([{ epoch: '2026-W48', spendableUntil: W48.spendableUntil, tokens: [{ epoch: '2026-W48', message: 'm', signature: 's' }] }]),
    );
    expect(tokensHeld(store, 'org1', now, THIS_PAGE)).toBe(1);
  });

  it('ignores what is not a wallet', () => {
    const store = memoryStore();
    store.setItem('massline:criticism-wallet:org1', JSON.stringify({ purses: [{ epoch: '2026-W48', tokens: 'nope' }, 7], pending: [{ epoch: 1 }] }));
    expect(readRecord(store, 'org1', now)).toEqual({ purses: [], pending: [], refused: [] });
    store.setItem('massline:criticism-wallet:org1', '{not json');
    expect(tokensHeld(store, 'org1', now, THIS_PAGE)).toBe(0);
  });
});
