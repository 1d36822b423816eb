/**
 * The interface language for a reader: the first of their preferred languages that has a
 * catalogue, matched exactly ("pt-BR") or by its base language ("pt"), else `fallback`.
 */
export function pickLanguage(preferred: readonly string[], available: readonly string[], fallback = 'en'): string {
  const byLower = new Map(available.map((a) => [a.toLowerCase(), a]));
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    const exact = byLower.get(lower);
    if (exact) return exact;
    const base = byLower.get(lower.split('-')[0] ?? '');
    if (base) return base;
  }
  return fallback;
}

/** A catalogue's language from its path: "./locales/pt-BR.json" → "pt-BR". */
export function languageOfCatalogue(path: string): string | null {
  return /([\w-]+)\.json$/.exec(path)?.[1] ?? null;
}
