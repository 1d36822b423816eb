import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { epochInfoOf, refillDue } from './refill.js';
import { writeRecord } from './wallet.js';

const offer = {
  epoch: '2026-W48',
  publicKey: 'k',
  fingerprint: 'f'.repeat(64),
  issuedToMe: 0,
  spendableFrom: '2026-11-23T00:00:00.000Z',
  spendableUntil: '2026-12-07T00:00:00.000Z',
};

describe('the epoch answer', () => {
  it('is read with both epochs', () => {
    const info = { quota: 5, nextPublicationAt: '2026-11-25T18:00:00.000Z', epochs: [offer, { ...offer, epoch: '2026-W49' }] };
    expect(epochInfoOf(info)).toEqual(info);
  });

  it('makes no token from an answer of another shape', () => {
    expect(() => epochInfoOf({ epoch: '2026-W48', publicKey: 'k', quota: 5, issuedToMe: 0 })).toThrow(/expected shape/);
    expect(() => epochInfoOf({ quota: 5, nextPublicationAt: 'x', epochs: [{ ...offer, fingerprint: undefined }] })).toThrow(/expected shape/);
    expect(() => epochInfoOf(null)).toThrow(/expected shape/);
  });
});

describe('a background refill', () => {
  const kept = new Map<string, string>();
  const storage = {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  };
  const monday = Date.parse('2026-11-23T09:00:00.000Z'); // in 2026-W48
  beforeEach(() => {
    kept.clear();
    (globalThis as { localStorage?: unknown }).localStorage = storage;
  });
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it('is due in a browser that never refilled, then not again in the same epoch, and again in the next', () => {
    expect(refillDue('org', monday)).toBe(true);
    writeRecord(storage, 'org', { purses: [], pending: [], refused: [], refilledIn: '2026-W48' });
    expect(refillDue('org', monday)).toBe(false);
    expect(refillDue('org', monday + 6 * 86_400_000)).toBe(false);
    expect(refillDue('org', monday + 7 * 86_400_000)).toBe(true);
  });

  it('is due while blinded messages wait to be asked again', () => {
    const pending = {
      epoch: '2026-W48',
      publicKey: 'k',
      fingerprint: 'f',
      spendableFrom: offer.spendableFrom,
      spendableUntil: offer.spendableUntil,
      preparedAt: '2026-11-23T08:00:00.000Z',
      items: [],
    };
    writeRecord(storage, 'org', { purses: [], pending: [pending], refused: [], refilledIn: '2026-W48' });
    expect(refillDue('org', monday)).toBe(true);
  });
});
