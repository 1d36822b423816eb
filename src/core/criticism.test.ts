import { describe, expect, it } from 'vitest';
import {
  bureaucracy,
  dayOf,
  epochKeyRetired,
  epochOf,
  epochSpendableUntil,
  epochStart,
  lastPublicationAt,
  nextEpochOf,
  nextPublicationAt,
  publicationOf,
  spendableEpochs,
  spendableUntil,
} from './criticism.js';

describe('criticism rules', () => {
  it('names ISO weeks, including those that cross a year', () => {
    expect(epochOf(new Date('2026-11-27T12:00:00Z'))).toBe('2026-W48');
    expect(epochOf(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(epochOf(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(epochOf(new Date('2026-01-01T00:00:00Z'))).toBe('2026-W01');
    expect(spendableEpochs(new Date('2026-11-27T12:00:00Z'))).toEqual(['2026-W48', '2026-W47']);
    // Issued in week 48 (Mon 23 Nov – Sun 29 Nov): spendable through week 49.
    expect(spendableUntil(new Date('2026-11-27T12:00:00Z')).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(epochOf(new Date(spendableUntil(new Date('2026-11-23T00:00:00Z')).getTime() - 1))).toBe('2026-W49');
  });

  it('starts each epoch on its Monday, names the next one, and retires its key when its tokens can no longer be spent', () => {
    expect(epochStart('2026-W48').toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(epochStart('2020-W53').toISOString()).toBe('2020-12-28T00:00:00.000Z');
    expect(epochStart('2025-W01').toISOString()).toBe('2024-12-30T00:00:00.000Z');
    expect(epochStart('2026-W01').toISOString()).toBe('2025-12-29T00:00:00.000Z');
    // Every Monday of six years names its own epoch back.
    for (let t = Date.parse('2021-01-04T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 7 * 86_400_000) {
      expect(epochStart(epochOf(new Date(t))).getTime()).toBe(t);
    }
    expect(nextEpochOf(new Date('2026-11-29T23:59:59Z'))).toBe('2026-W49');
    expect(nextEpochOf(new Date('2026-12-31T12:00:00Z'))).toBe('2027-W01');
    // The same end as tokens issued during the epoch.
    expect(epochSpendableUntil('2026-W48').toISOString()).toBe(spendableUntil(new Date('2026-11-27T12:00:00Z')).toISOString());
    expect(epochKeyRetired('2026-W48', new Date('2026-12-06T23:59:59Z'))).toBe(false);
    expect(epochKeyRetired('2026-W48', new Date('2026-12-07T00:00:00Z'))).toBe(true);
    expect(spendableEpochs(new Date('2026-12-07T00:00:00Z'))).not.toContain('2026-W48');
  });

  it('publishes at a fixed hour each day, everything of a day together', () => {
    expect(lastPublicationAt(new Date('2026-11-27T17:59:00Z'), 18).toISOString()).toBe('2026-11-26T18:00:00.000Z');
    expect(lastPublicationAt(new Date('2026-11-27T18:00:00Z'), 18).toISOString()).toBe('2026-11-27T18:00:00.000Z');
    expect(nextPublicationAt(new Date('2026-11-27T18:30:00Z'), 18).toISOString()).toBe('2026-11-28T18:00:00.000Z');
    expect(publicationOf('2026-11-27', 18).toISOString()).toBe('2026-11-28T18:00:00.000Z');
    expect(dayOf(new Date('2026-11-27T23:59:59Z'))).toBe('2026-11-27');
  });

  it('measures the time to answer, the unanswered counting with their age so far, and the age of what is unanswered', () => {
    const now = new Date('2026-02-01T00:00:00Z');
    const b = bureaucracy(
      [
        { publishedAt: '2026-01-01T00:00:00Z', firstAnsweredAt: '2026-01-03T00:00:00Z' },
        { publishedAt: '2026-01-10T00:00:00Z', firstAnsweredAt: '2026-01-20T00:00:00Z' },
        { publishedAt: '2026-01-22T00:00:00Z', firstAnsweredAt: null },
      ],
      now,
    );
    // 2 and 10 days to answer, 10 days waiting so far: the median of (2, 10, 10) is 10, not the 6 of the answered alone.
    expect(b).toEqual({ published: 3, answered: 2, unanswered: 1, medianDaysToAnswer: 10, oldestUnansweredDays: 10, medianUnansweredDays: 10 });
    expect(bureaucracy([], now).medianDaysToAnswer).toBeNull();
  });

  it('cannot be improved by leaving the hardest criticism unanswered', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    const quick = [1, 2, 3].map((d) => ({ publishedAt: '2026-01-01T00:00:00Z', firstAnsweredAt: new Date(Date.UTC(2026, 0, 1 + d)).toISOString() }));
    const hard = { publishedAt: '2026-01-01T00:00:00Z', firstAnsweredAt: null };
    const answeredLate = { publishedAt: '2026-01-01T00:00:00Z', firstAnsweredAt: '2026-01-31T00:00:00Z' };
    // Unanswered for 59 days it counts as 59: the median is never below what answering it late (30 days) gives.
    const ignored = bureaucracy([...quick, hard], now).medianDaysToAnswer ?? 0;
    const faced = bureaucracy([...quick, answeredLate], now).medianDaysToAnswer ?? 0;
    expect(ignored).toBeGreaterThanOrEqual(faced);
    // Only unanswered criticism: the figure is its age, not "none answered yet".
    expect(bureaucracy([hard], now).medianDaysToAnswer).toBe(59);
    // Each day it waits, the figure can only grow.
    const later = bureaucracy([quick[2] as (typeof quick)[number], hard, hard], new Date('2026-04-01T00:00:00Z')).medianDaysToAnswer ?? 0;
    expect(later).toBeGreaterThan(bureaucracy([quick[2] as (typeof quick)[number], hard, hard], now).medianDaysToAnswer ?? 0);
  });
});
