/**
 * Text normalisation before tokenising: compatibility forms folded (NFKC: full-width letters,
 * ligatures), case folded, the diacritics of Latin, Greek and Cyrillic letters stripped (so
 * "Māori" and "Maori" meet), and the typographic apostrophes made one. The combining marks of
 * other scripts (Devanagari vowel signs, Thai tone marks…) carry meaning and are kept.
 */

/** Blocks of combining marks that only decorate a base letter: the diacritics to strip. */
const DECORATIVE_MARK_BLOCKS: readonly [number, number][] = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
];

/** True for a combining mark of one of the blocks above. */
function isDecorativeMark(mark: string): boolean {
  const code = mark.codePointAt(0)!;
  return DECORATIVE_MARK_BLOCKS.some(([from, to]) => code >= from && code <= to);
}

const APOSTROPHES = /[\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032]/g;

/** Case-folded, diacritic-free NFC text. Total: any string in, a string out. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .replace(APOSTROPHES, "'")
    .normalize('NFD')
    .replace(/\p{M}/gu, (mark) => (isDecorativeMark(mark) ? '' : mark))
    .normalize('NFC');
}
