/** The interface text: i18next over the catalogues in ./locales (English first and always there). */
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import { formattersFor } from './format.js';
import { languageOfCatalogue, pickLanguage } from './language.js';

/** Every other catalogue is loaded on demand, so a translation is one more file in ./locales, not a code change. */
const catalogues = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*.json', '!./locales/en.json']);
const available = ['en', ...Object.keys(catalogues).flatMap((p) => languageOfCatalogue(p) ?? [])];

/**
 * An i18next instance in the reader's language. Interpolations format with the reader's own
 * locale (`{{count, number}}`, `{{share, percent}}`, `{{at, datetime}}`, `{{at, ago}}`).
 */
export async function setupI18n(preferred: readonly string[]): Promise<i18n> {
  const lng = pickLanguage(preferred, available);
  const resources: Record<string, { translation: Record<string, unknown> }> = { en: { translation: en } };
  const path = Object.keys(catalogues).find((p) => languageOfCatalogue(p) === lng);
  const load = path ? catalogues[path] : undefined;
  if (load) resources[lng] = { translation: (await load()).default };
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    resources,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const format = formattersFor(preferred.length ? preferred : ['en']);
  const formatter = instance.services.formatter;
  formatter?.add('number', (value: number, _lng, options: Intl.NumberFormatOptions) => format.number(value, numberOptions(options)));
  formatter?.add('percent', (value: number, _lng, options: Intl.NumberFormatOptions) => format.percent(value, numberOptions(options)));
  formatter?.add('datetime', (value: string, _lng, options: Intl.DateTimeFormatOptions) => format.date(value, dateOptions(options)));
  formatter?.add('ago', (value: string) => format.ago(value));
  return instance;
}

/** Only Intl's own options: i18next passes every t() option along. */
function numberOptions(o: Intl.NumberFormatOptions): Intl.NumberFormatOptions {
  const picked: Intl.NumberFormatOptions = {};
  for (const key of ['maximumFractionDigits', 'minimumFractionDigits', 'maximumSignificantDigits'] as const) {
    if (o[key] !== undefined) picked[key] = Number(o[key]);
  }
  return picked;
}

function dateOptions(o: Intl.DateTimeFormatOptions): Intl.DateTimeFormatOptions {
  return { dateStyle: o.dateStyle ?? 'medium', ...(o.timeStyle ? { timeStyle: o.timeStyle } : {}) };
}
