import { describe, expect, it } from 'vitest';
import { themeVoteSeries } from './theme-votes-series.js';

describe('themeVoteSeries', () => {
  const groups = [
    { groupId: '0', members: 12, agree: 30, disagree: 6, pass: 4, agreeShare: 0.75 },
    { groupId: '1', members: 9, agree: 2, disagree: 14, pass: 0, agreeShare: 0.125 },
    { groupId: '2', members: 3, agree: 0, disagree: 0, pass: 0, agreeShare: null },
  ];

  it('letters the groups in the analysis order and gives each its shares of the votes on the theme', () => {
    const s = themeVoteSeries(groups);
    expect(s.groups.map((g) => g.group)).toEqual(['A', 'B', 'C']);
    expect(s.groups[0]).toEqual({ group: 'A', voters: 40, agree: 0.75, disagree: 0.15, pass: 0.1 });
    expect(s.groups[1]).toEqual({ group: 'B', voters: 16, agree: 0.125, disagree: 0.875, pass: 0 });
    expect(s.rows.filter((r) => r.group === 'B').map((r) => [r.vote, r.count])).toEqual([
      ['agree', 2],
      ['pass', 0],
      ['disagree', 14],
    ]);
    for (const g of ['A', 'B']) expect(s.rows.filter((r) => r.group === g).reduce((sum, r) => sum + r.share, 0)).toBeCloseTo(1);
  });

  it('shows a group without votes on the theme as empty, not missing', () => {
    const s = themeVoteSeries(groups);
    expect(s.groups[2]).toEqual({ group: 'C', voters: 0, agree: 0, disagree: 0, pass: 0 });
    expect(s.rows.filter((r) => r.group === 'C').every((r) => r.share === 0 && r.count === 0)).toBe(true);
  });

  it('has nothing to draw without an analysis', () => {
    expect(themeVoteSeries([])).toEqual({ rows: [], groups: [] });
  });
});
