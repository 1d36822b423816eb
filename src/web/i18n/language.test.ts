import { describe, expect, it } from 'vitest';
import { languageOfCatalogue, pickLanguage } from './language.js';

describe('pickLanguage', () => {
  it('takes the first preferred language that has a catalogue', () => {
    expect(pickLanguage(['fr-CA', 'de-DE', 'en'], ['en', 'de'])).toBe('de');
  });
  it('prefers an exact regional match over the base language', () => {
    expect(pickLanguage(['pt-BR'], ['en', 'pt', 'pt-BR'])).toBe('pt-BR');
    expect(pickLanguage(['pt-PT'], ['en', 'pt', 'pt-BR'])).toBe('pt');
  });
  it('falls back to English when nothing matches', () => {
    expect(pickLanguage(['zh-TW'], ['en', 'de'])).toBe('en');
    expect(pickLanguage([], ['en'])).toBe('en');
  });
});

describe('languageOfCatalogue', () => {
  it('reads the language from the file name', () => {
    expect(languageOfCatalogue('./locales/pt-BR.json')).toBe('pt-BR');
    expect(languageOfCatalogue('./locales/readme.txt')).toBeNull();
  });
});
