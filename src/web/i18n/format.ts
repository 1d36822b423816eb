/**
 * Numbers and dates in the reader's own locale (the browser's first language), which may differ
 * from the interface language: an English catalogue read in Germany still writes 1.921 and 27.11.2026.
 */

export interface Formatters {
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A share in [0, 1] as a percentage, without decimals unless asked. */
  percent(share: number, options?: Intl.NumberFormatOptions): string;
  date(value: string | number | Date, options?: Intl.DateTimeFormatOptions): string;
  /** How long ago (or ahead) `value` is from `now`, in the largest whole unit: "3 days ago". */
  ago(value: string | number | Date, now?: number): string;
}

const MINUTE = 60_000;
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 60 * MINUTE],
  ['month', 30 * 24 * 60 * MINUTE],
  ['week', 7 * 24 * 60 * MINUTE],
  ['day', 24 * 60 * MINUTE],
  ['hour', 60 * MINUTE],
  ['minute', MINUTE],
];

export function formattersFor(locale: string | readonly string[]): Formatters {
  const locales = typeof locale === 'string' ? [locale] : [...locale];
  const relative = new Intl.RelativeTimeFormat(locales, { numeric: 'auto' });
  return {
    number: (value, options) => new Intl.NumberFormat(locales, options).format(value),
    percent: (share, options) => new Intl.NumberFormat(locales, { style: 'percent', maximumFractionDigits: 0, ...options }).format(share),
    date: (value, options = { dateStyle: 'medium' }) => new Intl.DateTimeFormat(locales, options).format(new Date(value)),
    ago(value, now = Date.now()) {
      const delta = new Date(value).getTime() - now;
      for (const [unit, ms] of units) {
        if (Math.abs(delta) >= ms) return relative.format(Math.round(delta / ms), unit);
      }
      return relative.format(0, 'minute');
    },
  };
}
