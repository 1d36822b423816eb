/**
 * Words of normalised text: maximal runs of Unicode letters, marks and digits (an apostrophe
 * between two of them stays inside the word: "can't", "business's"). Scripts written without
 * spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar) come out as their own runs, kind
 * `unspaced`, since a run there is a phrase, not a word.
 */

/** `latin`: a–z, digits and apostrophes only (English rules may apply); `unspaced`: see above; `other`: any other script. */
export type TokenKind = 'latin' | 'unspaced' | 'other';

export interface Token {
  readonly text: string;
  readonly kind: TokenKind;
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/gu;
const LATIN = /^[a-z0-9']+$/;

function push(tokens: Token[], text: string): void {
  if (text.length === 0) return;
  tokens.push({ text, kind: LATIN.test(text) ? 'latin' : 'other' });
}

/** Tokens of text already passed through normaliseText, in order. */
export function tokenise(normalised: string): Token[] {
  const tokens: Token[] = [];
  for (const match of normalised.matchAll(WORD)) {
    const word = match[0];
    let last = 0;
    for (const run of word.matchAll(UNSPACED_RUN)) {
      push(tokens, word.slice(last, run.index).replace(/^'+|'+$/g, ''));
      tokens.push({ text: run[0], kind: 'unspaced' });
      last = run.index + run[0].length;
    }
    push(tokens, (last === 0 ? word : word.slice(last)).replace(/^'+|'+$/g, ''));
  }
  return tokens;
}
