import { describe, expect, it } from 'vitest';
import { epochOf } from '../../core/criticism.js';
import { mondayOfEpoch } from './epoch.js';

describe('mondayOfEpoch', () => {
  it('finds the Monday an ISO week starts on, across year ends', () => {
    expect(mondayOfEpoch('2026-W48')?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(mondayOfEpoch('2026-W01')?.toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(mondayOfEpoch('2020-W53')?.toISOString()).toBe('2020-12-28T00:00:00.000Z');
  });

  it('is the inverse of the server’s epochOf', () => {
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2028, 0, 1); day += 86_400_000) {
      const epoch = epochOf(new Date(day));
      const monday = mondayOfEpoch(epoch);
      expect(monday && epochOf(monday)).toBe(epoch);
      expect(monday?.getUTCDay()).toBe(1);
      expect(day - (monday?.getTime() ?? 0)).toBeLessThan(7 * 86_400_000);
    }
  });

  it('refuses what is not an epoch', () => {
    expect(mondayOfEpoch('2026-48')).toBeNull();
  });
});
