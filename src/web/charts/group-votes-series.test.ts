import { describe, expect, it } from 'vitest';
import { groupVoteSeries } from './group-votes-series.js';

describe('groupVoteSeries', () => {
  const snapshot = {
    groups: [
      { id: '0', members: [], representative: [] },
      { id: '1', members: [], representative: [] },
    ],
    groupVotes: { s1: { '0': { agree: 408, disagree: 9, pass: 29 }, '1': { agree: 3, disagree: 1, pass: 0 } } },
  };

  it('gives each group its shares of agree, pass and disagree among its voters', () => {
    const s = groupVoteSeries(snapshot, 's1');
    expect(s.groups[1]).toEqual({ group: 'B', voters: 4, agree: 0.75, disagree: 0.25, pass: 0 });
    expect(s.rows.filter((r) => r.group === 'A').map((r) => [r.vote, r.count])).toEqual([
      ['agree', 408],
      ['pass', 29],
      ['disagree', 9],
    ]);
    const a = s.rows.filter((r) => r.group === 'A').reduce((sum, r) => sum + r.share, 0);
    expect(a).toBeCloseTo(1);
  });

  it('shows a group that has not voted on the statement as empty, not missing', () => {
    const s = groupVoteSeries(snapshot, 'unvoted');
    expect(s.groups).toEqual([
      { group: 'A', voters: 0, agree: 0, disagree: 0, pass: 0 },
      { group: 'B', voters: 0, agree: 0, disagree: 0, pass: 0 },
    ]);
    expect(s.rows.every((r) => r.share === 0)).toBe(true);
  });
});
