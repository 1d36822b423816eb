import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimilarityIndex, type SimilarityIndexOptions } from './similarity-index.js';

const STATEMENTS: [string, string][] = [
  ['rent', 'Rents in this city rise faster than our wages.'],
  ['repairs', 'The landlord takes months to do repairs in our building.'],
  ['union', 'Every tenant of the building should join the tenants union.'],
  ['strike', 'We should be ready to go on a rent strike if talks fail.'],
  ['police', 'The police should not be called to evictions.'],
  ['meetings', 'General meetings should be held in the evening so that workers can come.'],
  ['childcare', 'Provide childcare at every meeting.'],
  ['wages', 'Wages have not kept up with the cost of living.'],
];

function indexOf(statements: readonly [string, string][], options: SimilarityIndexOptions = {}) {
  const index = createSimilarityIndex(options);
  for (const [id, text] of statements) index.add(id, text);
  return index;
}

describe('createSimilarityIndex', () => {
  it('scores a text held against itself 1 and ranks it first', () => {
    const index = indexOf(STATEMENTS);
    for (const [id, text] of STATEMENTS) {
      const [best] = index.query(text, 3);
      expect(best?.id).toBe(id);
      expect(best?.score).toBeCloseTo(1, 9);
    }
  });

  it('finds a statement from other words, another order, a typo and a synonym', () => {
    const index = indexOf(STATEMENTS);
    expect(index.query('months for the landlord to repair anything', 1)[0]?.id).toBe('repairs');
    expect(index.query('rent strike if negotiations fail', 1)[0]?.id).toBe('strike');
    expect(index.query('no cops at evictions', 1)[0]?.id).toBe('police');
    expect(index.query('chidlcare at meetings', 1)[0]?.id).toBe('childcare');
    expect(index.query('our salaries lag the cost of living', 1)[0]?.id).toBe('wages');
  });

  it('returns at most k matches with scores in (0, 1], best first', () => {
    const index = indexOf(STATEMENTS);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (text, k) => {
        const matches = index.query(text, k);
        expect(matches.length).toBeLessThanOrEqual(k);
        for (const m of matches) expect(m.score > 0 && m.score <= 1).toBe(true);
        for (let i = 1; i < matches.length; i++) expect(matches[i - 1]!.score).toBeGreaterThanOrEqual(matches[i]!.score);
      }),
    );
  });

  it('gives the same matches and scores whatever the order the statements were added in', () => {
    const reference = indexOf(STATEMENTS);
    const queries = ['rent strike', 'landlord repairs', 'wages and rents', 'meeting'];
    fc.assert(
      fc.property(fc.shuffledSubarray(STATEMENTS, { minLength: STATEMENTS.length, maxLength: STATEMENTS.length }), (shuffled) => {
        const index = indexOf(shuffled);
        for (const q of queries) expect(index.query(q, 8)).toEqual(reference.query(q, 8));
      }),
    );
  });

  it('breaks ties by id', () => {
    const index = indexOf([
      ['b', 'Same words here.'],
      ['a', 'Same words here.'],
      ['c', 'Same words here.'],
    ]);
    expect(index.query('same words', 3).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('answers nothing on an empty index, an empty query or a query of stop words', () => {
    expect(createSimilarityIndex().query('rent', 5)).toEqual([]);
    const index = indexOf(STATEMENTS);
    expect(index.query('', 5)).toEqual([]);
    expect(index.query('?!', 5)).toEqual([]);
    expect(index.query('the and of', 5)).toEqual([]);
    expect(index.query('rent', 0)).toEqual([]);
  });

  it('replaces a text added again under its id, and forgets a removed one', () => {
    const index = indexOf(STATEMENTS);
    index.add('rent', 'Bus fares are too high.');
    expect(index.size).toBe(STATEMENTS.length);
    expect(index.query('bus fares', 1)[0]?.id).toBe('rent');
    expect(index.remove('rent')).toBe(true);
    expect(index.remove('rent')).toBe(false);
    expect(index.has('rent')).toBe(false);
    expect(index.query('bus fares', 5).map((m) => m.id)).not.toContain('rent');
  });

  it('scores after many removals as a fresh index of the texts left does', () => {
    const many: [string, string][] = Array.from({ length: 200 }, (_, i) => [`s${i}`, `${STATEMENTS[i % STATEMENTS.length]![1]} number ${i}`]);
    const index = indexOf(many);
    for (let i = 0; i < 200; i++) if (i % 5 !== 0) index.remove(`s${i}`);
    const fresh = indexOf(many.filter((_, i) => i % 5 === 0));
    for (const q of ['rent strike number 15', 'police evictions', 'childcare 40']) expect(index.query(q, 10)).toEqual(fresh.query(q, 10));
  });

  it('matches in scripts without language rules', () => {
    const index = indexOf(
      [
        ['taxi', '我覺得計程車司機的素質應該提高'],
        ['insurance', '我覺得自用車載客應該加買保障乘客的保險'],
        ['tax', 'Uber 應該在台灣繳稅'],
        ['ru', 'Арендная плата растёт быстрее зарплат'],
        ['el', 'Τα ενοίκια αυξάνονται γρηγορότερα από τους μισθούς'],
        ['hi', 'किराया वेतन से तेज़ बढ़ रहा है'],
      ],
      { language: null },
    );
    expect(index.query('計程車司機素質', 1)[0]?.id).toBe('taxi');
    expect(index.query('乘客保險', 1)[0]?.id).toBe('insurance');
    expect(index.query('繳稅', 1)[0]?.id).toBe('tax');
    expect(index.query('арендная плата', 1)[0]?.id).toBe('ru');
    expect(index.query('ενοίκια', 1)[0]?.id).toBe('el');
    expect(index.query('किराया', 1)[0]?.id).toBe('hi');
  });

  it('rejects a term weight outside [0, 1]', () => {
    expect(() => createSimilarityIndex({ termWeight: 1.5 })).toThrow(RangeError);
  });
});
