import { describe, expect, it } from 'vitest';
import { groupConsensusOf, withGroupConsensus } from './consensus.js';

// The demo's night-shift issue as an analysis stored before consensus meant every group: four
// groups, and its consensus list is the overall majority.
const groups = [{ id: '3' }, { id: '5' }, { id: '8' }, { id: '9' }];
const groupVotes = {
  // 58 % of all voters disagree; group A (3) agrees at 3 %, group D (9) at 80 %.
  dispatchers: {
    '3': { agree: 3, disagree: 90, pass: 7 },
    '5': { agree: 10, disagree: 38, pass: 2 },
    '8': { agree: 30, disagree: 12, pass: 8 },
    '9': { agree: 40, disagree: 5, pass: 5 },
  },
  // Every group above ½: 76 %, 70 %, 66 %, 80 %.
  premium: {
    '3': { agree: 76, disagree: 12, pass: 12 },
    '5': { agree: 35, disagree: 10, pass: 5 },
    '8': { agree: 33, disagree: 12, pass: 5 },
    '9': { agree: 40, disagree: 6, pass: 4 },
  },
  // Every group rejects it: 85 %, 80 %, 70 %, 90 %.
  fares: {
    '3': { agree: 10, disagree: 85, pass: 5 },
    '5': { agree: 6, disagree: 40, pass: 4 },
    '8': { agree: 10, disagree: 35, pass: 5 },
    '9': { agree: 3, disagree: 45, pass: 2 },
  },
  // Exactly half of group 8 agree: not more than half, so not every group agrees.
  strike: {
    '3': { agree: 90, disagree: 5, pass: 5 },
    '5': { agree: 45, disagree: 3, pass: 2 },
    '8': { agree: 25, disagree: 20, pass: 5 },
    '9': { agree: 45, disagree: 3, pass: 2 },
  },
  // Group 9 has not voted on it.
  unseen: { '3': { agree: 100, disagree: 0, pass: 0 }, '5': { agree: 50, disagree: 0, pass: 0 }, '8': { agree: 50, disagree: 0, pass: 0 } },
};

describe('groupConsensusOf', () => {
  it('takes a statement for consensus only when every group agrees, or every group disagrees', () => {
    const all = Object.values(groupVotes.dispatchers);
    const disagreeing = all.reduce((n, t) => n + t.disagree, 0) / all.reduce((n, t) => n + t.agree + t.disagree + t.pass, 0);
    expect(disagreeing).toBe(0.58);
    const { consensus, divisive } = groupConsensusOf({ groups, groupVotes });
    expect(consensus).toEqual([
      { statementId: 'premium', direction: 'agree', share: 33 / 50 },
      { statementId: 'fares', direction: 'disagree', share: 35 / 50 },
    ]);
    expect(divisive.map((d) => d.statementId)).toContain('dispatchers');
    for (const d of divisive) expect(consensus.some((c) => c.statementId === d.statementId)).toBe(false);
  });

  it('holds the group-informed consensus to the threshold', () => {
    // 11 of 20 in both groups: every group agrees, barely; (12/22) is under ⅔.
    const bare = { groups: [{ id: 'a' }, { id: 'b' }], groupVotes: { s: { a: { agree: 11, disagree: 9, pass: 0 }, b: { agree: 11, disagree: 8, pass: 1 } } } };
    expect(groupConsensusOf(bare).consensus).toEqual([]);
    expect(groupConsensusOf(bare, { count: 5, divisiveCount: 5, threshold: 0.5 }).consensus).toEqual([
      { statementId: 's', direction: 'agree', share: 11 / 20 },
    ]);
  });

  it('finds none without groups or tallies (an imported analysis)', () => {
    expect(groupConsensusOf({ groups: [], groupVotes: {} })).toEqual({ consensus: [], divisive: [] });
    expect(groupConsensusOf({ groups: [], groupVotes: { s: {} } }).consensus).toEqual([]);
  });
});

describe('withGroupConsensus', () => {
  it('reads an analysis stored under the overall majority under the rule, and keeps the rest', () => {
    const stored = {
      source: 'engine',
      groups,
      groupVotes,
      consensus: [
        { statementId: 'premium', direction: 'agree' as const, share: 0.74 },
        { statementId: 'dispatchers', direction: 'disagree' as const, share: 0.58 },
      ],
      divisive: [
        { statementId: 'dispatchers', score: 0.6 },
        { statementId: 'premium', score: 0.1 },
      ],
    };
    const read = withGroupConsensus(stored);
    expect(read.source).toBe('engine');
    expect(read.consensus.map((c) => c.statementId)).toEqual(['premium', 'fares']);
    expect(read.divisive.map((d) => d.statementId)).not.toContain('premium');
    expect(withGroupConsensus(read)).toEqual(read);
  });
});
