import { describe, expect, it } from 'vitest';
import { opinionMapSeries, paddedExtent } from './opinion-map-series.js';

describe('opinionMapSeries', () => {
  const snapshot = {
    groups: [
      { id: '0', members: ['a', 'b'], representative: [] },
      { id: '1', members: ['c'], representative: [] },
    ],
    map: { members: ['a', 'b', 'c', 'd'], x: [0, 2, 10, 5], y: [0, 2, 10, 5], group: ['0', '0', '1', null] },
  };

  it('gives each member a point with their group’s letter', () => {
    const s = opinionMapSeries(snapshot);
    expect(s.points).toEqual([
      { x: 0, y: 0, group: 'A' },
      { x: 2, y: 2, group: 'A' },
      { x: 10, y: 10, group: 'B' },
      { x: 5, y: 5, group: null },
    ]);
    expect(s.unclustered).toBe(1);
  });

  it('puts each group’s label at its members’ centre', () => {
    expect(opinionMapSeries(snapshot).groups).toEqual([
      { label: 'A', size: 2, x: 1, y: 1 },
      { label: 'B', size: 1, x: 10, y: 10 },
    ]);
  });

  it('skips points the projection could not place', () => {
    const s = opinionMapSeries({ ...snapshot, map: { ...snapshot.map, x: [0, Number.NaN, 10, 5] } });
    expect(s.points).toHaveLength(3);
    expect(s.groups[0]).toEqual({ label: 'A', size: 1, x: 0, y: 0 });
  });

  it('frames an empty map', () => {
    const s = opinionMapSeries({ groups: [], map: { members: [], x: [], y: [], group: [] } });
    expect(s).toEqual({ points: [], groups: [], unclustered: 0, domain: { x: [-1, 1], y: [-1, 1] } });
  });
});

describe('paddedExtent', () => {
  it('pads by 5 % each side', () => {
    expect(paddedExtent([0, 10])).toEqual([-0.5, 10.5]);
    expect(paddedExtent([3])).toEqual([2, 4]);
  });
});
