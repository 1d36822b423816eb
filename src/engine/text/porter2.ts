/**
 * The Porter2 ("Snowball English") stemmer of Martin Porter, as published at
 * snowballstem.org/algorithms/english/stemmer.html, written here from that description.
 * Input: one lower-case word of the letters a–z and the apostrophe; anything else is returned
 * unchanged. The output is a stem, not a word ("happiness" → "happi"): use it as an index term.
 */

const EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['skis', 'ski'],
  ['skies', 'sky'],
  ['dying', 'die'],
  ['lying', 'lie'],
  ['tying', 'tie'],
  ['idly', 'idl'],
  ['gently', 'gentl'],
  ['ugly', 'ugli'],
  ['early', 'earli'],
  ['only', 'onli'],
  ['singly', 'singl'],
  ['sky', 'sky'],
  ['news', 'news'],
  ['howe', 'howe'],
  ['atlas', 'atlas'],
  ['cosmos', 'cosmos'],
  ['bias', 'bias'],
  ['andes', 'andes'],
]);

/** Words left alone once step 1a has run. */
const AFTER_1A: ReadonlySet<string> = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

const DOUBLES: ReadonlySet<string> = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const LI_ENDING = 'cdeghkmnrt';

/** y counts as a vowel; Y (a consonantal y) does not. */
const isVowel = (c: string | undefined): boolean => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';

/** Start of the region after the first non-vowel that follows a vowel, at or after `from`. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

function regionOne(w: string): number {
  for (const prefix of ['gener', 'commun', 'arsen']) if (w.startsWith(prefix)) return prefix.length;
  return regionAfter(w, 0);
}

/** True when w ends in a short syllable. */
function endsShortSyllable(w: string): boolean {
  const n = w.length;
  if (n === 2) return isVowel(w[0]) && !isVowel(w[1]);
  if (n < 3) return false;
  const last = w[n - 1]!;
  return !isVowel(w[n - 3]) && isVowel(w[n - 2]) && !isVowel(last) && last !== 'w' && last !== 'x' && last !== 'Y';
}

/** The longest of `suffixes` that `w` ends with, or undefined. `suffixes` are listed longest first. */
function longestSuffix(w: string, suffixes: readonly string[]): string | undefined {
  for (const s of suffixes) if (w.endsWith(s)) return s;
  return undefined;
}

const STEP2: readonly [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['abli', 'able'],
  ['entli', 'ent'],
  ['izer', 'ize'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['aliti', 'al'],
  ['alli', 'al'],
  ['fulness', 'ful'],
  ['ousli', 'ous'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['bli', 'ble'],
  ['ogi', 'og'],
  ['fulli', 'ful'],
  ['lessli', 'less'],
  ['li', ''],
];
const STEP2_SUFFIXES = STEP2.map(([s]) => s).sort((a, b) => b.length - a.length);
const STEP2_MAP = new Map(STEP2);

const STEP3: readonly [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['alize', 'al'],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ative', ''],
  ['ical', 'ic'],
  ['ness', ''],
  ['ful', ''],
];
const STEP3_SUFFIXES = STEP3.map(([s]) => s).sort((a, b) => b.length - a.length);
const STEP3_MAP = new Map(STEP3);

const STEP4_SUFFIXES = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'].sort(
  (a, b) => b.length - a.length,
);

/** The Porter2 stem of a lower-case English word. */
export function stemEnglish(word: string): string {
  if (word.length <= 2 || !/^[a-z']+$/.test(word)) return word;
  const exception = EXCEPTIONS.get(word);
  if (exception !== undefined) return exception;

  let w = word.startsWith("'") ? word.slice(1) : word;
  if (w.length <= 2) return w;
  // Mark consonantal y: at the start, or after a vowel.
  let marked = '';
  for (let i = 0; i < w.length; i++) marked += w[i] === 'y' && (i === 0 || isVowel(marked[i - 1])) ? 'Y' : w[i];
  w = marked;
  const r1 = regionOne(w);
  const r2 = regionAfter(w, r1);

  // Step 0: possessives.
  const apostrophe = longestSuffix(w, ["'s'", "'s", "'"]);
  if (apostrophe) w = w.slice(0, -apostrophe.length);

  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
  else if (w.endsWith('us') || w.endsWith('ss')) {
    // unchanged
  } else if (w.endsWith('s')) {
    const before = w.slice(0, -2);
    if ([...before].some(isVowel)) w = w.slice(0, -1);
  }
  if (AFTER_1A.has(w)) return w;

  // Step 1b: -ed, -ing.
  const s1b = longestSuffix(w, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
  if (s1b === 'eed' || s1b === 'eedly') {
    if (w.length - s1b.length >= r1) w = w.slice(0, -s1b.length) + 'ee';
  } else if (s1b !== undefined) {
    const stem = w.slice(0, -s1b.length);
    if ([...stem].some(isVowel)) {
      w = stem;
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (DOUBLES.has(w.slice(-2))) w = w.slice(0, -1);
      else if (r1 >= w.length && endsShortSyllable(w)) w += 'e';
    }
  }

  // Step 1c: y → i after a consonant that is not the first letter.
  if (w.length > 2 && (w.endsWith('y') || w.endsWith('Y')) && !isVowel(w[w.length - 2])) w = w.slice(0, -1) + 'i';

  // Step 2.
  const s2 = longestSuffix(w, STEP2_SUFFIXES);
  if (s2 !== undefined && w.length - s2.length >= r1) {
    const stem = w.slice(0, -s2.length);
    if (s2 === 'ogi') {
      if (stem.endsWith('l')) w = stem + 'og';
    } else if (s2 === 'li') {
      if (stem.length > 0 && LI_ENDING.includes(stem[stem.length - 1]!)) w = stem;
    } else w = stem + STEP2_MAP.get(s2)!;
  }

  // Step 3.
  const s3 = longestSuffix(w, STEP3_SUFFIXES);
  if (s3 !== undefined && w.length - s3.length >= r1) {
    if (s3 === 'ative') {
      if (w.length - s3.length >= r2) w = w.slice(0, -s3.length);
    } else w = w.slice(0, -s3.length) + STEP3_MAP.get(s3)!;
  }

  // Step 4.
  const s4 = longestSuffix(w, STEP4_SUFFIXES);
  if (s4 !== undefined && w.length - s4.length >= r2) {
    if (s4 === 'ion') {
      const before = w[w.length - 4];
      if (before === 's' || before === 't') w = w.slice(0, -3);
    } else w = w.slice(0, -s4.length);
  }

  // Step 5.
  if (w.endsWith('e')) {
    const at = w.length - 1;
    if (at >= r2 || (at >= r1 && !endsShortSyllable(w.slice(0, -1)))) w = w.slice(0, -1);
  } else if (w.endsWith('ll') && w.length - 1 >= r2) w = w.slice(0, -1);

  return w.replace(/Y/g, 'y');
}
