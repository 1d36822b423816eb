import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { themesOf, UNTHEMED, type ThemeItem } from './themes.js';

/** Three planted topics of five statements each, and two statements on nothing in common. */
const PLANTED: Record<string, string[]> = {
  rent: [
    'The rent increase this year is far too high.',
    'Rent should be frozen until the repairs are done.',
    'A rent strike is the answer to another rent increase.',
    'Nobody on minimum pay can afford the rent here.',
    'The rent goes up every year while the flats fall apart.',
  ],
  police: [
    'The police should not be called to evictions.',
    'Police officers treated tenants badly at the last eviction.',
    'We need a plan for when the police turn up at an eviction.',
    'Film the police at every eviction.',
    'Ask the police commissioner to stop evictions in winter.',
  ],
  childcare: [
    'Provide childcare at every general meeting.',
    'Childcare during meetings would let parents take part.',
    'Volunteers could run childcare for the meeting in the hall.',
    'Without childcare, parents miss the meeting.',
    'The union should pay for childcare at meetings.',
  ],
};
const STRAYS = ['Bicycles need a shed in the yard.', 'Music was great at the summer party.'];

const plantedItems = (): ThemeItem[] => [
  ...Object.entries(PLANTED).flatMap(([topic, texts]) => texts.map((text, i) => ({ id: `${topic}-${i}`, text }))),
  ...STRAYS.map((text, i) => ({ id: `stray-${i}`, text })),
];

describe('themesOf', () => {
  it('finds planted topics, names them by their word and leaves strays unthemed', () => {
    const themes = themesOf(plantedItems());
    const named = themes.filter((t) => t.id !== UNTHEMED);
    expect(named).toHaveLength(3);
    for (const theme of named) {
      const topics = new Set(theme.itemIds.map((id) => id.split('-')[0]));
      expect(topics.size).toBe(1);
      expect(theme.itemIds).toHaveLength(5);
      const [topic] = [...topics];
      expect(theme.terms.slice(0, 2)).toContain(topic);
      expect(theme.label.startsWith(theme.terms[0]!)).toBe(true);
    }
    expect(themes.at(-1)).toEqual({ id: UNTHEMED, label: '', terms: [], itemIds: ['stray-0', 'stray-1'] });
  });

  it('puts every item in exactly one theme', () => {
    const items = plantedItems();
    const ids = themesOf(items).flatMap((t) => t.itemIds);
    expect(ids.sort()).toEqual(items.map((i) => i.id).sort());
  });

  it('gives the same themes whatever the order of the items', () => {
    const items = plantedItems();
    const reference = themesOf(items);
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), (shuffled) => {
        expect(themesOf(shuffled)).toEqual(reference);
      }),
      { numRuns: 30 },
    );
  });

  it('handles no item, one item, empty texts and duplicates of one text', () => {
    expect(themesOf([])).toEqual([]);
    expect(themesOf([{ id: 'only', text: 'The rent is too high.' }])).toEqual([{ id: UNTHEMED, label: '', terms: [], itemIds: ['only'] }]);
    expect(
      themesOf([
        { id: 'a', text: '' },
        { id: 'b', text: '!!!' },
      ]),
    ).toEqual([{ id: UNTHEMED, label: '', terms: [], itemIds: ['a', 'b'] }]);
    const same = themesOf(['x', 'y', 'z'].map((id) => ({ id, text: 'Rent strike now' })));
    expect(same).toHaveLength(1);
    expect(same[0]!.itemIds).toEqual(['x', 'y', 'z']);
    expect(same[0]!.terms).toEqual(['now', 'rent', 'strike']); // equally distinctive: alphabetical
  });

  it('rejects an id given twice', () => {
    expect(() =>
      themesOf([
        { id: 'a', text: 'x' },
        { id: 'a', text: 'y' },
      ]),
    ).toThrow(RangeError);
  });

  it('respects the least theme size and the most themes', () => {
    expect(themesOf(plantedItems(), { minThemeSize: 6 })).toEqual([
      {
        id: UNTHEMED,
        label: '',
        terms: [],
        itemIds: plantedItems()
          .map((i) => i.id)
          .sort(),
      },
    ]);
    const two = themesOf(plantedItems(), { maxThemes: 2 });
    expect(two.filter((t) => t.id !== UNTHEMED)).toHaveLength(2);
    expect(two.at(-1)!.itemIds).toHaveLength(7);
  });

  it('groups texts in a script without language rules', () => {
    const items = [
      '我覺得計程車司機的素質應該提高',
      '計程車司機的服務品質很差',
      '計程車司機應該有職業駕駛執照',
      '自用車載客應該投保乘客保險',
      '乘客保險應該由Uber統一投保',
      '保障乘客的保險非常重要',
    ].map((text, i) => ({ id: `z${i}`, text }));
    const themes = themesOf(items);
    expect(themes.map((t) => t.itemIds.sort())).toEqual([
      ['z0', 'z1', 'z2'],
      ['z3', 'z4', 'z5'],
    ]);
  });

  it('clusters a sample above 2,000 texts and places the others by their nearest theme', () => {
    const topics = Object.values(PLANTED);
    const items = Array.from({ length: 2100 }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}`, text: `${topics[i % 3]![i % 5]!} (${i})` }));
    const themes = themesOf(items);
    // 140 copies of each statement: a statement sharing little with its topic is a theme of its own.
    expect(themes.length).toBeGreaterThanOrEqual(3);
    expect(themes.map((t) => t.id)).not.toContain(UNTHEMED);
    for (const theme of themes) expect(new Set(theme.itemIds.map((id) => Number(id.slice(1)) % 3)).size).toBe(1);
    expect(themes.reduce((n, t) => n + t.itemIds.length, 0)).toBe(items.length);
  }, 30_000);
});
