/**
 * How figures are written into their `how` texts. Every figure is shown with how it was computed
 * (MODEL.md §8), so numbers in sentences are rounded the same way everywhere.
 */

/** A number rounded to two decimals without trailing zeros; ∞ for Infinity. */
export function formatNumber(x: number): string {
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isNaN(x)) return '–';
  const rounded = Math.round(x * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/** A share in [0, 1] as a whole percentage, `41 %`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** `1 member`, `12 members`. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Code-unit order: deterministic whatever the locale, for ties and listings. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
