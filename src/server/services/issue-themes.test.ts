import { describe, expect, it } from 'vitest';
import { groupVotesOnTheme, reportTextOf } from './issue-themes.js';

describe('reportTextOf', () => {
  it('joins what was done and what happened into one sentence pair, once when both say the same', () => {
    expect(reportTextOf('We balloted every block', 'The landlord gave in')).toBe('We balloted every block. The landlord gave in');
    expect(reportTextOf('We balloted every block!', 'The landlord gave in')).toBe('We balloted every block! The landlord gave in');
    expect(reportTextOf('我們發了傳單。', '一半的人來了')).toBe('我們發了傳單。 一半的人來了');
    expect(reportTextOf('Depot 1: the premium was paid', 'Depot 1: the premium was paid')).toBe('Depot 1: the premium was paid');
    expect(reportTextOf('', 'It rained')).toBe('It rained');
  });
});

describe('groupVotesOnTheme', () => {
  const snapshot = {
    groups: [
      { id: 'g0', members: ['a', 'b'], representative: [] },
      { id: 'g1', members: ['c'], representative: [] },
    ],
    groupVotes: {
      s1: { g0: { agree: 3, disagree: 1, pass: 0 }, g1: { agree: 0, disagree: 2, pass: 1 } },
      s2: { g0: { agree: 1, disagree: 0, pass: 1 } },
      other: { g0: { agree: 50, disagree: 0, pass: 0 } },
    },
  };

  it('sums each group’s tallies over the theme’s statements only, in the snapshot’s group order', () => {
    expect(groupVotesOnTheme(snapshot, ['s1', 's2', 'unvoted'])).toEqual([
      { groupId: 'g0', members: 2, agree: 4, disagree: 1, pass: 1, agreeShare: 4 / 6 },
      { groupId: 'g1', members: 1, agree: 0, disagree: 2, pass: 1, agreeShare: 0 },
    ]);
  });

  it('gives no share to a group without votes on the theme', () => {
    expect(groupVotesOnTheme(snapshot, ['unvoted'])[1]).toEqual({ groupId: 'g1', members: 1, agree: 0, disagree: 0, pass: 0, agreeShare: null });
  });
});
