import { describe, expect, it } from 'vitest';
import { epochInfoOf } from './refill.js';

const offer = { epoch: '2026-W48', publicKey: 'k', fingerprint: 'f'.repeat(64), issuedToMe: 0, spendableFrom: '2026-11-23T00:00:00.000Z', spendableUntil: '2026-12-07T00:00:00.000Z' };

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
