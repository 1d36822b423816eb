import { describe, expect, it } from 'vitest';
import { healthHistorySeries } from './health-history-series.js';

const day = 86_400_000;

describe('healthHistorySeries', () => {
  it('gives a row per aspect per point, in time order', () => {
    const s = healthHistorySeries(
      [
        { at: 2 * day, l: 1 / 3, pi: 0.5 },
        { at: day, l: 0, pi: 0.9 },
      ],
      null,
    );
    expect(s.rows).toEqual([
      { at: new Date(day), aspect: 'logic', value: 0 },
      { at: new Date(day), aspect: 'practice', value: 0.9 },
      { at: new Date(2 * day), aspect: 'logic', value: 1 / 3 },
      { at: new Date(2 * day), aspect: 'practice', value: 0.5 },
    ]);
    expect(s.domain).toEqual([new Date(day), new Date(2 * day)]);
    expect(s.forecast).toBeNull();
    expect(s.projected).toEqual([]);
  });

  it('reaches out to the forecast’s date', () => {
    const s = healthHistorySeries([{ at: day, l: 1, pi: 1 }], { at: 40 * day, into: 'left-communist', already: false });
    expect(s.forecast).toEqual({ at: new Date(40 * day), into: 'left-communist' });
    expect(s.domain[1]).toEqual(new Date(40 * day));
  });

  it('shows no crossing ahead when the line has crossed already', () => {
    expect(healthHistorySeries([{ at: day, l: 0, pi: 0 }], { at: day, into: 'fool', already: true }).forecast).toBeNull();
  });

  it('adds a what-if’s projected trail, and reaches out to its end', () => {
    const s = healthHistorySeries([{ at: day, l: 1, pi: 1 }], null, [
      { at: 30 * day, l: 1, pi: 0.8 },
      { at: 2 * day, l: 1, pi: 1.2 },
    ]);
    expect(s.projected.map((r) => [r.at.getTime() / day, r.aspect, r.value])).toEqual([
      [2, 'logic', 1],
      [2, 'practice', 1.2],
      [30, 'logic', 1],
      [30, 'practice', 0.8],
    ]);
    expect(s.domain[1]).toEqual(new Date(30 * day));
  });

  it('gives a single instant a day’s width', () => {
    expect(healthHistorySeries([{ at: day, l: 1, pi: 1 }], null).domain).toEqual([new Date(day), new Date(2 * day)]);
  });
});
