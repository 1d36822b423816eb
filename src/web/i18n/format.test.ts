import { describe, expect, it } from 'vitest';
import { formattersFor } from './format.js';

describe('formattersFor', () => {
  it('writes numbers and percentages the reader’s way', () => {
    expect(formattersFor('en-GB').number(49997)).toBe('49,997');
    expect(formattersFor('de-DE').number(49997)).toBe('49.997');
    expect(formattersFor('en').percent(0.918)).toBe('92%');
  });
  it('writes dates in the reader’s order', () => {
    const at = '2026-11-27T12:00:00Z';
    expect(formattersFor('en-GB').date(at, { dateStyle: 'short', timeZone: 'UTC' })).toBe('27/11/2026');
    expect(formattersFor('en-US').date(at, { dateStyle: 'short', timeZone: 'UTC' })).toBe('11/27/26');
  });
  it('says how long ago in the largest whole unit', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    const f = formattersFor('en');
    expect(f.ago('2026-11-24T12:00:00Z', now)).toBe('3 days ago');
    expect(f.ago('2026-11-27T11:59:30Z', now)).toBe('this minute');
    expect(f.ago('2026-11-27T09:00:00Z', now)).toBe('3 hours ago');
  });
});
