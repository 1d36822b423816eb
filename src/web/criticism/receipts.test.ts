import { describe, expect, it } from 'vitest';
import type { CriticismDto, CriticismReceiptStatusDto } from '../api/client.js';
import { contentHashOf, excerptOf, forgetReceipt, judgeReceipt, keepReceipt, readReceipts, receiptMatches, type KeptReceipt } from './receipts.js';
import type { KeyValueStore } from './wallet.js';

const words = 'The leadership set the strike date without asking the night shift.';
// sha256 of ["massline-criticism-v1","crit0001","issue","issue001",words,"2026-11-25"] as the server hashes it (node:crypto, computed once).
const hash = '3bcab7ab8c26b3c2009b01fb0c157483f8c9bd8129a422c1217b32b12a320b84';

const kept: KeptReceipt = {
  id: 'crit0001',
  contentHash: hash,
  writtenOn: '2026-11-25',
  publishesAt: '2026-11-26T18:00:00.000Z',
  excerpt: 'The leadership…',
  target: { kind: 'issue', id: 'issue001' },
};
const status = (over: Partial<CriticismReceiptStatusDto> = {}): CriticismReceiptStatusDto => ({
  id: 'crit0001',
  contentHash: hash,
  writtenOn: '2026-11-25',
  status: 'published',
  publishesAt: '2026-11-26T18:00:00.000Z',
  position: 3,
  entryHash: 'e'.repeat(64),
  ...over,
});
const shownCriticism = (text: string): CriticismDto => ({
  id: 'crit0001',
  target: { kind: 'issue', id: 'issue001', title: 'Night-shift pay' },
  text,
  writtenOn: '2026-11-25',
  publishedAt: '2026-11-26T18:00:00.000Z',
  ageDays: 1,
  seconds: 0,
  secondedByMe: false,
  answers: [],
  daysToAnswer: null,
  chain: { position: 3, prevHash: 'p'.repeat(64), entryHash: 'e'.repeat(64), contentHash: hash },
});

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

describe('content hash', () => {
  it('is the server’s hash of the same words, target and day', async () => {
    const c = shownCriticism(words);
    expect(await contentHashOf(c)).toBe(hash);
    expect(
      await receiptMatches({ id: 'crit0001', contentHash: hash, writtenOn: '2026-11-25', publishesAt: kept.publishesAt }, { target: kept.target, text: words }),
    ).toBe(true);
  });

  it('differs when one character of the words differs', async () => {
    expect(await contentHashOf(shownCriticism(`${words.slice(0, -1)}!`))).not.toBe(hash);
    expect(
      await receiptMatches(
        { id: 'crit0001', contentHash: hash, writtenOn: '2026-11-25', publishesAt: kept.publishesAt },
        { target: { kind: 'leadership', id: null }, text: words },
      ),
    ).toBe(false);
  });
});

describe('judgeReceipt', () => {
  it('is published unaltered when the server and the shown words agree with the receipt', () => {
    expect(judgeReceipt(kept, status(), { criticism: shownCriticism(words), contentHash: hash })).toEqual({ kind: 'published', position: 3, compared: true });
  });

  it('says when the shown words were not compared', () => {
    expect(judgeReceipt(kept, status(), undefined)).toEqual({ kind: 'published', position: 3, compared: false });
  });

  it('is pending until the batch, with its time', () => {
    expect(judgeReceipt(kept, status({ status: 'pending', position: null, entryHash: null }))).toEqual({
      kind: 'pending',
      publishesAt: '2026-11-26T18:00:00.000Z',
    });
  });

  it('is a mismatch when the server holds another hash, even while pending', () => {
    expect(judgeReceipt(kept, status({ status: 'pending', contentHash: 'f'.repeat(64) }))).toEqual({ kind: 'mismatch', what: 'receipt' });
  });

  it('is a mismatch when the published words hash to something else', () => {
    expect(judgeReceipt(kept, status(), { criticism: shownCriticism('Altered words.'), contentHash: 'a'.repeat(64) })).toEqual({
      kind: 'mismatch',
      what: 'published-text',
    });
  });

  it('is a mismatch when the shown chain entry is not the one the receipt route reports', () => {
    expect(judgeReceipt(kept, status({ entryHash: 'd'.repeat(64) }), { criticism: shownCriticism(words), contentHash: hash })).toEqual({
      kind: 'mismatch',
      what: 'chain',
    });
  });

  it('is missing when the server denies it', () => {
    expect(judgeReceipt(kept, null)).toEqual({ kind: 'missing' });
  });
});

describe('kept receipts', () => {
  it('keeps the newest first per organisation, and forgets', () => {
    const store = memoryStore();
    keepReceipt(store, 'org1', kept);
    keepReceipt(store, 'org1', { ...kept, id: 'crit0002' });
    keepReceipt(store, 'org2', { ...kept, id: 'crit0003' });
    expect(readReceipts(store, 'org1').map((r) => r.id)).toEqual(['crit0002', 'crit0001']);
    expect(forgetReceipt(store, 'org1', 'crit0002').map((r) => r.id)).toEqual(['crit0001']);
    expect(readReceipts(store, 'org2').map((r) => r.id)).toEqual(['crit0003']);
  });

  it('reads nothing from a damaged entry', () => {
    const store = memoryStore();
    store.setItem('massline:criticism-receipts:org1', '{not json');
    expect(readReceipts(store, 'org1')).toEqual([]);
  });

  it('keeps an excerpt of the words, not all of them', () => {
    expect(excerptOf('short  words\nhere')).toBe('short words here');
    const long = excerptOf('x'.repeat(500));
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });
});
