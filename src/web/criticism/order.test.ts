import { describe, expect, it } from 'vitest';
import type { CriticismDto } from '../api/client.js';
import { inboxOrder } from './order.js';

const criticism = (id: string, publishedAt: string, seconds: number, answeredAt: string[] = []): CriticismDto => ({
  id,
  target: { kind: 'leadership', id: null, title: null },
  text: `criticism ${id}`,
  writtenOn: publishedAt.slice(0, 10),
  publishedAt,
  ageDays: 0,
  seconds,
  secondedByMe: false,
  answers: answeredAt.map((at, i) => ({ id: `${id}-a${i}`, text: 'answer', answeredAt: at, by: { displayName: 'Org', role: 'organiser' } })),
  daysToAnswer: answeredAt.length ? 1 : null,
  chain: { position: Number(id.slice(1)), prevHash: '', entryHash: '', contentHash: '' },
});

describe('inboxOrder', () => {
  it('puts the unanswered first, the longest waiting first, a batch by most seconds; the answered by latest answer', () => {
    const { waiting, answered } = inboxOrder([
      criticism('c1', '2026-11-20T18:00:00.000Z', 0),
      criticism('c2', '2026-11-10T18:00:00.000Z', 1),
      criticism('c3', '2026-11-10T18:00:00.000Z', 5),
      criticism('c4', '2026-11-01T18:00:00.000Z', 0, ['2026-11-03T10:00:00.000Z']),
      criticism('c5', '2026-11-05T18:00:00.000Z', 0, ['2026-11-02T10:00:00.000Z', '2026-11-09T10:00:00.000Z']),
    ]);
    expect(waiting.map((c) => c.id)).toEqual(['c3', 'c2', 'c1']);
    expect(answered.map((c) => c.id)).toEqual(['c5', 'c4']);
  });
});
