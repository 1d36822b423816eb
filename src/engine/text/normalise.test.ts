import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textFeatures } from './features.js';
import { guessLanguage } from './language.js';
import { normaliseText } from './normalise.js';
import { tokenise } from './tokens.js';
import { canonicalEnglishWord } from './variants.js';

describe('normaliseText', () => {
  it('folds case, compatibility forms, Latin diacritics and apostrophes', () => {
    expect(normaliseText('Māori RIGHTS')).toBe('maori rights');
    expect(normaliseText('ＵＢＩ ﬁnance')).toBe('ubi finance');
    expect(normaliseText('Straße')).toBe('strasse');
    expect(normaliseText('can’t')).toBe("can't");
    expect(normaliseText('Ελληνικά ΟΔΟΣ')).toBe('ελληνικα οδοσ');
  });

  it('keeps the marks that carry meaning in other scripts', () => {
    expect(normaliseText('हिंदी')).toBe('हिंदी');
    expect(normaliseText('ภาษาไทย')).toBe('ภาษาไทย');
    expect(normaliseText('ガソリン')).toBe('ガソリン');
    expect(normaliseText('한국어')).toBe('한국어');
  });

  it('is idempotent on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => normaliseText(normaliseText(s)) === normaliseText(s)));
  });
});

describe('tokenise', () => {
  it('splits on anything but letters, marks and digits, keeping inner apostrophes', () => {
    expect(tokenise(normaliseText("Can't pay $15/hour: it's low-skilled work!")).map((t) => t.text)).toEqual([
      "can't",
      'pay',
      '15',
      'hour',
      "it's",
      'low',
      'skilled',
      'work',
    ]);
  });

  it('marks the runs of scripts written without spaces', () => {
    expect(tokenise(normaliseText('我覺得UberX應該合法'))).toEqual([
      { text: '我覺得', kind: 'unspaced' },
      { text: 'uberx', kind: 'latin' },
      { text: '應該合法', kind: 'unspaced' },
    ]);
    expect(tokenise('перевод').map((t) => t.kind)).toEqual(['other']);
  });
});

describe('English word variants', () => {
  it('brings British spellings, abbreviations and synonyms to one form', () => {
    expect(canonicalEnglishWord('labour')).toBe(canonicalEnglishWord('labor'));
    expect(canonicalEnglishWord('behaviour')).toBe('behavior');
    expect(canonicalEnglishWord('organise')).toBe('organize');
    expect(canonicalEnglishWord('organisation')).toBe('organization');
    expect(canonicalEnglishWord('centre')).toBe('center');
    expect(canonicalEnglishWord('govt')).toBe('government');
    expect(canonicalEnglishWord('cops')).toBe('police');
    expect(canonicalEnglishWord('kids')).toBe('children');
  });

  it('leaves short words and other words alone', () => {
    for (const word of ['hour', 'four', 'your', 'rise', 'genre', 'wage']) expect(canonicalEnglishWord(word)).toBe(word);
  });
});

describe('textFeatures', () => {
  it('drops English stop words and stems the rest', () => {
    expect([...textFeatures('The workers are organising against the bosses', 'en').terms.keys()]).toEqual(['worker', 'organ', 'employ']);
  });

  it('keeps every word without language rules', () => {
    expect([...textFeatures('The workers', null).terms.keys()]).toEqual(['the', 'workers']);
  });

  it('pads each word for its trigrams and pairs characters in unspaced scripts', () => {
    expect([...textFeatures('wage', 'en').grams.keys()]).toEqual([' wa', 'wag', 'age', 'ge ']);
    expect([...textFeatures('計程車', null).terms.keys()]).toEqual(['計程', '程車']);
  });

  it('never throws and counts only positive occurrences', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('en' as const, null), (s, language) => {
        const f = textFeatures(s, language);
        return [...f.terms.values(), ...f.grams.values()].every((c) => Number.isInteger(c) && c > 0);
      }),
    );
  });
});

describe('guessLanguage', () => {
  it('recognises English prose and nothing else', () => {
    expect(guessLanguage(['We need to streamline the bureaucracy of our current tax and benefits systems.'])).toBe('en');
    expect(guessLanguage(['Ich denke Football wird noch lange ein wichtiges Spiel sein.'])).toBe(null);
    expect(guessLanguage(['Nous devons réduire la bureaucratie du système fiscal actuel.'])).toBe(null);
    expect(guessLanguage(['我覺得自用車載客應該登記'])).toBe(null);
    expect(guessLanguage([])).toBe(null);
    expect(guessLanguage(['!!!'])).toBe(null);
  });
});
