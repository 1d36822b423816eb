import { describe, expect, it } from 'vitest';
import { healthPlaneSeries } from './health-plane-series.js';

describe('healthPlaneSeries', () => {
  const issue = (key: string, l: number, pi: number, trail: { l: number; pi: number; at: number }[] = []) => ({
    key,
    label: key,
    l,
    pi,
    character: 'correct' as const,
    trail,
  });

  it('frames every value with room to spare, at least 0.1 to 10', () => {
    expect(healthPlaneSeries({ beta: 2, organisation: null, issues: [issue('a', 1, 1)] }).domain).toEqual([0.1, 10]);
    expect(healthPlaneSeries({ beta: 2, organisation: null, issues: [issue('a', 0.04, 30)] }).domain).toEqual([0.02, 60]);
  });

  it('draws the band of correctness between π = ℓ/β and π = βℓ, clipped to the frame', () => {
    const s = healthPlaneSeries({ beta: 2, organisation: null, issues: [issue('a', 1, 1)] });
    expect(s.band).toEqual([
      { x: 0.1, lower: 0.1, upper: 0.2 },
      { x: 0.2, lower: 0.1, upper: 0.4 },
      { x: 5, lower: 2.5, upper: 10 },
      { x: 10, lower: 5, upper: 10 },
    ]);
    expect(s.foolBox).toEqual({ x1: 0.1, x2: 1, y1: 0.1, y2: 1 });
  });

  it('puts a value a log scale cannot show on the frame’s edge, and says so', () => {
    const s = healthPlaneSeries({ beta: 2, organisation: { l: 0, pi: 3e-6, label: 'org', character: 'fool' }, issues: [issue('a', 1 / 3, 0.5)] });
    const org = s.dots[0];
    expect(s.domain[0]).toBe(0.001);
    expect(org).toMatchObject({ key: 'organisation', x: s.domain[0], y: s.domain[0], l: 0, pi: 3e-6, clamped: true, organisation: true });
    expect(s.dots[1]).toMatchObject({ key: 'a', x: 1 / 3, y: 0.5, clamped: false });
  });

  it('orders each issue’s trail by time', () => {
    const s = healthPlaneSeries({
      beta: 2,
      organisation: null,
      issues: [
        issue('a', 1, 1, [
          { l: 1, pi: 1, at: 20 },
          { l: 0.5, pi: 2, at: 10 },
        ]),
      ],
    });
    expect(s.trails.map((p) => p.at)).toEqual([10, 20]);
    expect(s.trails[0]).toEqual({ key: 'a', x: 0.5, y: 2, at: 10 });
  });
});
