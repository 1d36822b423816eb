/**
 * Which language rules apply to a body of text. Only English has rules here (stop words, spelling
 * variants, the Porter2 stemmer); any other language, or a mix, gets none, and matching rests on
 * the words as written and their character n-grams, which carry any script.
 */
import { normaliseText } from './normalise.js';
import { ENGLISH_STOP_WORDS } from './stopwords.js';
import { tokenise } from './tokens.js';

/** `'en'`: English rules apply to words in Latin letters; `null`: no language rules. */
export type TextLanguage = 'en' | null;

/**
 * English when most words are in Latin letters and at least a fifth of them are English stop
 * words (running English prose is 40–50 % stop words; French, Spanish or German share a few short
 * ones, well under a fifth). Null for no words at all.
 */
export function guessLanguage(texts: readonly string[]): TextLanguage {
  let words = 0;
  let latin = 0;
  let stop = 0;
  for (const text of texts) {
    for (const token of tokenise(normaliseText(text))) {
      words++;
      if (token.kind !== 'latin') continue;
      latin++;
      if (ENGLISH_STOP_WORDS.has(token.text)) stop++;
    }
  }
  if (words === 0 || latin < words / 2) return null;
  return stop >= latin / 5 ? 'en' : null;
}
