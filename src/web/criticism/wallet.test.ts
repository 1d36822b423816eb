import { describe, expect, it } from 'vitest';
import { addTokens, dropToken, nextToken, readWallet, tokensHeld, type KeyValueStore } from './wallet.js';

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}
const token = (epoch: string, n: number) => ({ epoch, message: `${epoch}-m${n}`, signature: `s${n}` });
const now = Date.parse('2026-11-25T09:00:00Z');

describe('the token wallet', () => {
  it('spends the oldest epoch first and keeps organisations apart', () => {
    const store = memoryStore();
    addTokens(store, 'org1', { epoch: '2026-W48', spendableUntil: '2026-12-07T00:00:00.000Z', tokens: [token('2026-W48', 1), token('2026-W48', 2)] }, now);
    addTokens(store, 'org1', { epoch: '2026-W47', spendableUntil: '2026-11-30T00:00:00.000Z', tokens: [token('2026-W47', 1)] }, now);
    addTokens(store, 'org2', { epoch: '2026-W48', spendableUntil: '2026-12-07T00:00:00.000Z', tokens: [token('2026-W48', 9)] }, now);
    expect(tokensHeld(store, 'org1', now)).toBe(3);
    expect(nextToken(store, 'org1', now)?.message).toBe('2026-W47-m1');
    dropToken(store, 'org1', token('2026-W47', 1), now);
    expect(nextToken(store, 'org1', now)?.message).toBe('2026-W48-m1');
    expect(readWallet(store, 'org1', now).map((p) => p.epoch)).toEqual(['2026-W48']);
    expect(tokensHeld(store, 'org2', now)).toBe(1);
  });

  it('does not count tokens the server would no longer accept', () => {
    const store = memoryStore();
    addTokens(store, 'org1', { epoch: '2026-W46', spendableUntil: '2026-11-23T00:00:00.000Z', tokens: [token('2026-W46', 1)] }, now - 7 * 86_400_000);
    expect(tokensHeld(store, 'org1', now)).toBe(0);
    expect(nextToken(store, 'org1', now)).toBeUndefined();
  });

  it('adds a token it already holds once', () => {
    const store = memoryStore();
    const purse = { epoch: '2026-W48', spendableUntil: '2026-12-07T00:00:00.000Z', tokens: [token('2026-W48', 1)] };
    addTokens(store, 'org1', purse, now);
    addTokens(store, 'org1', { ...purse, tokens: [token('2026-W48', 1), token('2026-W48', 2)] }, now);
    expect(tokensHeld(store, 'org1', now)).toBe(2);
  });

  it('ignores what is not a wallet', () => {
    const store = memoryStore();
    store.setItem('massline:criticism-wallet:org1', JSON.stringify([{ epoch: '2026-W48', tokens: 'nope' }, 7]));
    expect(tokensHeld(store, 'org1', now)).toBe(0);
  });
});
