/**
 * The features of one text, in two channels:
 * - terms: words as meaning units. In English, stop words dropped, spelling variants and synonyms
 *   brought to one form, then the Porter2 stem; in other Latin or spaced scripts, the folded word;
 *   in scripts written without spaces, overlapping character pairs (the usual unit for Chinese
 *   and Japanese retrieval without a dictionary).
 * - grams: character trigrams of each kept word padded with a space at both ends, so a typo or an
 *   unknown inflection still shares most of its grams with the intended word, in any script.
 * Counts are raw occurrences; weighting is the index's business.
 */
import type { TextLanguage } from './language.js';
import { normaliseText } from './normalise.js';
import { stemEnglish } from './porter2.js';
import { ENGLISH_STOP_WORDS } from './stopwords.js';
import { tokenise } from './tokens.js';
import { canonicalEnglishWord } from './variants.js';

export interface TextFeatures {
  /** Term → occurrences. */
  readonly terms: Map<string, number>;
  /** Character trigram → occurrences. */
  readonly grams: Map<string, number>;
  /** Term → the words of the text it came from (for labels), in order of appearance. */
  readonly surfaces: Map<string, string[]>;
}

export const GRAM_SIZE = 3;

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function addGrams(grams: Map<string, number>, word: string): void {
  const chars = Array.from(` ${word} `);
  if (chars.length <= GRAM_SIZE) {
    add(grams, chars.join(''));
    return;
  }
  for (let i = 0; i + GRAM_SIZE <= chars.length; i++) add(grams, chars.slice(i, i + GRAM_SIZE).join(''));
}

function addSurface(surfaces: Map<string, string[]>, term: string, word: string): void {
  const list = surfaces.get(term);
  if (list) list.push(word);
  else surfaces.set(term, [word]);
}

/** The terms and grams of `text` under `language`'s rules. Total: any string in. */
export function textFeatures(text: string, language: TextLanguage): TextFeatures {
  const terms = new Map<string, number>();
  const grams = new Map<string, number>();
  const surfaces = new Map<string, string[]>();
  for (const token of tokenise(normaliseText(text))) {
    if (token.kind === 'unspaced') {
      const chars = Array.from(token.text);
      if (chars.length === 1) add(terms, chars[0]!);
      for (let i = 0; i + 1 < chars.length; i++) {
        const pair = chars[i]! + chars[i + 1]!;
        add(terms, pair);
        addSurface(surfaces, pair, pair);
      }
      if (chars.length === 1) addSurface(surfaces, chars[0]!, chars[0]!);
      addGrams(grams, token.text);
      continue;
    }
    if (token.kind === 'latin' && language === 'en') {
      if (ENGLISH_STOP_WORDS.has(token.text)) continue;
      const canonical = canonicalEnglishWord(token.text);
      const term = stemEnglish(canonical).replace(/'/g, '');
      if (term.length === 0) continue;
      add(terms, term);
      addSurface(surfaces, term, token.text.replace(/'s$/, '').replace(/'/g, ''));
      addGrams(grams, canonical.replace(/'/g, ''));
      continue;
    }
    const word = token.text.replace(/'/g, '');
    add(terms, word);
    addSurface(surfaces, word, word);
    addGrams(grams, word);
  }
  return { terms, grams, surfaces };
}
