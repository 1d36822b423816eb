import { describe, expect, it } from 'vitest';
import { analysisFindings, groupLabel, groupLabels } from './findings.js';

const snapshot = {
  counts: { participants: 5, statements: 3, votes: 12, clustered: 4, groups: 2 },
  map: { members: ['m1', 'm2', 'm3', 'm4', 'm5'], x: [0, 1, 2, 3, 4], y: [0, 0, 0, 0, 0], group: ['g0', 'g0', 'g0', 'g1', null] },
  groups: [
    { id: 'g0', members: ['m1', 'm2', 'm3'], representative: [{ statementId: 's1', direction: 'agree' as const, share: 0.9, score: 4 }] },
    { id: 'g1', members: ['m4'], representative: [{ statementId: 's2', direction: 'disagree' as const, share: 1, score: 2 }] },
  ],
  consensus: [{ statementId: 's3', direction: 'agree' as const, share: 0.8 }],
  divisive: [{ statementId: 's2', score: 0.7 }],
};
const texts = new Map([
  ['s1', 'Fares should be public'],
  ['s2', 'Drivers should be licensed'],
  ['s3', 'Safety first'],
]);

describe('analysisFindings', () => {
  it('letters the groups in order and gives each its size and share of the map', () => {
    const f = analysisFindings(snapshot, texts);
    expect(f.groups.map((g) => [g.label, g.size, g.share])).toEqual([
      ['A', 3, 0.6],
      ['B', 1, 0.2],
    ]);
    expect(f.participants).toBe(5);
    expect(f.clustered).toBe(4);
  });
  it('quotes each finding’s statement and keeps its figure', () => {
    const f = analysisFindings(snapshot, texts);
    expect(f.groups[0]?.representative[0]).toEqual({ statementId: 's1', text: 'Fares should be public', direction: 'agree', share: 0.9, score: 4 });
    expect(f.consensus).toEqual([{ statementId: 's3', text: 'Safety first', direction: 'agree', share: 0.8, score: null }]);
    expect(f.divisive).toEqual([{ statementId: 's2', text: 'Drivers should be licensed', direction: null, share: null, score: 0.7 }]);
  });
  it('leaves the text out where the reader may not see the statement', () => {
    expect(analysisFindings(snapshot, new Map()).consensus[0]?.text).toBeNull();
  });
});

describe('groupLabel', () => {
  it('runs A…Z then AA', () => {
    expect([0, 1, 25, 26, 27].map(groupLabel)).toEqual(['A', 'B', 'Z', 'AA', 'AB']);
    expect(groupLabels([{ id: '7' }, { id: '3' }]).get('3')).toBe('B');
  });
});
