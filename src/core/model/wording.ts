/**
 * How figures and characters are written, for the model's `how` texts and for the pages alike.
 * Every figure is shown with how it was computed (MODEL.md §8), so a number reads the same on a
 * card and in the sentence that explains it, and a character is named in plain words first and
 * the essay's term second.
 */

/**
 * A number rounded as people read it: two decimals without trailing zeros, except that a figure
 * too small for two decimals keeps its first significant digit (0.0000029 → 0.000003), so a
 * small figure is never written as 0. ∞ for Infinity.
 */
export function formatNumber(x: number): string {
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isNaN(x)) return '–';
  const rounded = Math.round(x * 100) / 100;
  if (rounded === 0 && x !== 0) return tinyNumber(x);
  return String(rounded === 0 ? 0 : rounded);
}

/** 0 < |x| < 0.005 to its first significant digit, in plain decimals (never `3e-7`). */
function tinyNumber(x: number): string {
  const digits = Math.min(20, -Math.floor(Math.log10(Math.abs(x))));
  const fixed = Number(x.toPrecision(1))
    .toFixed(digits)
    .replace(/\.?0+$/, '');
  return fixed === '0' || fixed === '-0' ? '0' : fixed;
}

/** A share in [0, 1] as a whole percentage, `41 %`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** A span of days as people say it: `today`, `1 day`, `about 88 days` (whole days, rounded). */
export function formatDays(days: number): string {
  const whole = Math.round(days);
  if (whole === 0) return 'less than a day';
  return whole === days ? countOf(whole, 'day') : `about ${countOf(whole, 'day')}`;
}

/** A whole count as people write it: `12`, `2,171`. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n);
}

/** `1 member`, `12 members`, `2,171 members`. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** Code-unit order: deterministic whatever the locale, for ties and listings. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The four characters of a line (MODEL.md §3), each in plain words and by the essay's term. The
 * one place these words are kept: the model's sentences and every page take them from here.
 */
export const characterWords = {
  fool: { plain: 'lacks both claims and consultation', term: 'fool' },
  'left-communist': { plain: 'claims outrun consultation', term: 'left-communist' },
  empiricist: { plain: 'consultation never concentrated', term: 'empiricist' },
  correct: { plain: 'claims and consultation in proportion', term: 'correct' },
} as const;

export type CharacterName = keyof typeof characterWords;

/** `claims outrun consultation (left-communist)`: plain words first, the essay's term second. */
export function characterLabel(character: CharacterName): string {
  const words = characterWords[character];
  return `${words.plain} (${words.term})`;
}

/** ℓ, π and β with the character they give (MODEL.md §3). */
export interface CharacterFigures {
  l: number;
  pi: number;
  beta: number;
  character: CharacterName;
}

/** Why a line has its character, in words, with ℓ and π written as the card writes them: "practice (0.5) is less than 0.5 times logic (1.33)". */
export function characterReasonInWords({ l, pi, beta, character }: CharacterFigures): string {
  const logic = `logic (${formatNumber(l)})`;
  const practice = `practice (${formatNumber(pi)})`;
  switch (character) {
    case 'fool':
      return `${logic} and ${practice} are both short of the 1 that suffices`;
    case 'left-communist':
      return `${practice} is less than ${formatNumber(1 / beta)} times ${logic}`;
    case 'empiricist':
      return l === 0 ? `${practice} has no claims to be concentrated into` : `${practice} is more than ${formatNumber(beta)} times ${logic}`;
    case 'correct':
      return `${practice} is between ${formatNumber(1 / beta)} and ${formatNumber(beta)} times ${logic}`;
  }
}

/** The reason and the character it gives: "… times logic (1.33): claims outrun consultation (left-communist)". */
export function characterInWords(figures: CharacterFigures): string {
  return `${characterReasonInWords(figures)}: ${characterLabel(figures.character)}`;
}

/** The figures behind ℓ and π: L and L₀, P and P₀, and who P comes from; character null gives no verdict. */
export interface HealthFigures extends Omit<CharacterFigures, 'character'> {
  character: CharacterName | null;
  pureLogic: number;
  logicSufficiency: number;
  practice: number;
  practiceSufficiency: number;
  /** Members and reports behind P, when known. */
  members?: number | undefined;
  reports?: number | undefined;
}

/**
 * A line's health in plain words, each figure as the card shows it: "Logic 0.67: 2 claims, where
 * 3 suffice. Practice 0.42: 4.2 from 12 members and 1 report, where 10 suffice. …", with why it
 * has its character unless there is none to judge (an issue with no line yet).
 */
export function healthInWords(h: HealthFigures): string {
  const from = h.members === undefined ? '' : ` from ${countOf(h.members, 'member')}${h.reports ? ` and ${countOf(h.reports, 'report')}` : ''}`;
  const logic = `Logic ${formatNumber(h.l)}: ${countOf(h.pureLogic, 'claim')}, where ${formatNumber(h.logicSufficiency)} suffice.`;
  const practice = `Practice ${formatNumber(h.pi)}: ${formatNumber(h.practice)}${from}, where ${formatNumber(h.practiceSufficiency)} suffice.`;
  if (h.character === null) return `${logic} ${practice}`;
  const reason = characterInWords({ ...h, character: h.character });
  return `${logic} ${practice} ${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

/**
 * Statement id → its text, so a figure names a statement as members read it. The model's facts
 * hold no texts: the caller passes those the reader may see; any other is "a statement not shown
 * here" (its id stays in the figure's detail).
 */
export type StatementTexts = ReadonlyMap<string, string>;

export const noTexts: StatementTexts = new Map();

/** A statement by its text in quotes, or "a statement not shown here". */
export function statementNamed(statementId: string, texts: StatementTexts): string {
  const text = texts.get(statementId);
  return text === undefined ? 'a statement not shown here' : `"${text}"`;
}

/** "A" … "Z", then "AA", "AB", …: an opinion group as the pages letter it, by its place in its analysis. */
export function groupLetter(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : groupLetter(Math.floor(index / 26) - 1) + letter;
}

/** "group B": a group of `groups` (one analysis's, in order) as the pages name it; its id when it is not among them. */
export function groupNamed(groups: readonly { id: string }[], groupId: string): string {
  const index = groups.findIndex((g) => g.id === groupId);
  return `group ${index < 0 ? groupId : groupLetter(index)}`;
}
