import { describe, expect, it } from 'vitest';
import en from '../i18n/locales/en.json';
import { characterLabel, characterWords, type CharacterName } from '../../core/model/wording.js';
import { glossaryEntries } from './glossary-entries.js';

describe('the glossary and the characters’ words', () => {
  it('has a term and a text for every entry, and an entry for every figure and character the health page names', () => {
    const entries: Record<string, { term: string; text: string }> = en.glossary.entries;
    expect(Object.keys(entries).sort()).toEqual([...glossaryEntries].sort());
    for (const entry of glossaryEntries) {
      expect(entries[entry]?.term.length).toBeGreaterThan(0);
      expect(entries[entry]?.text.length).toBeGreaterThan(20);
    }
    for (const character of Object.keys(characterWords)) expect(glossaryEntries).toContain(character);
  });

  it('names each character in the pages as the model’s sentences do: plain words first, the essay’s term second', () => {
    const labels: Record<string, string> = en.health.character;
    for (const character of Object.keys(characterWords) as CharacterName[]) {
      expect(labels[character]).toBe(characterLabel(character));
      expect(en.glossary.entries[character].term.toLowerCase()).toBe(characterLabel(character));
    }
  });
});
