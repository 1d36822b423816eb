import { describe, expect, it } from 'vitest';
import { characterInWords, characterLabel, countOf, formatCount, formatDays, formatNumber, healthInWords } from './wording.js';

describe('figures as people read them', () => {
  it('rounds to two decimals, but never writes a small figure as 0', () => {
    expect(formatNumber(21.3841)).toBe('21.38');
    expect(formatNumber(2 / 3)).toBe('0.67');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0)).toBe('0');
    // π = 0.0000029 on a card must not read π = 0 in its explanation.
    expect(formatNumber(0.0000029)).toBe('0.000003');
    expect(formatNumber(0.00096)).toBe('0.001');
    expect(formatNumber(-0.0003)).toBe('-0.0003');
    expect(formatNumber(Infinity)).toBe('∞');
  });

  it('says days as a span', () => {
    expect(formatDays(285.29)).toBe('about 285 days');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(0.2)).toBe('less than a day');
  });
});

describe('the characters in plain words', () => {
  it('puts plain words first and the essay’s term second', () => {
    expect(characterLabel('left-communist')).toBe('claims outrun consultation (left-communist)');
    expect(characterLabel('empiricist')).toBe('consultation never concentrated (empiricist)');
    expect(characterLabel('fool')).toBe('lacks both claims and consultation (fool)');
    expect(characterLabel('correct')).toBe('claims and consultation in proportion (correct)');
  });

  it('explains a character without a formula', () => {
    expect(characterInWords({ l: 4 / 3, pi: 0.5, beta: 2, character: 'left-communist' })).toBe(
      'practice (0.5) is less than 0.5 times logic (1.33): claims outrun consultation (left-communist)',
    );
    expect(characterInWords({ l: 0, pi: 2, beta: 2, character: 'empiricist' })).toBe(
      'practice (2) has no claims to be concentrated into: consultation never concentrated (empiricist)',
    );
  });

  it('explains a line’s health with each figure as the card writes it', () => {
    const words = healthInWords({
      pureLogic: 2,
      logicSufficiency: 3,
      practice: 0.000029,
      practiceSufficiency: 10,
      l: 2 / 3,
      pi: 0.0000029,
      beta: 2,
      character: 'fool',
      members: 1,
      reports: 0,
    });
    expect(words).toBe(
      'Logic 0.67: 2 claims, where 3 suffice. Practice 0.000003: 0.00003 from 1 member, where 10 suffice. ' +
        'Logic (0.67) and practice (0.000003) are both short of the 1 that suffices: lacks both claims and consultation (fool).',
    );
    expect(words).not.toMatch(/[ℓπ]\s*=|P₀\s*=/);
    // No line yet: the figures, and no verdict.
    expect(
      healthInWords({
        pureLogic: 0,
        logicSufficiency: 3,
        practice: 12,
        practiceSufficiency: 10,
        l: 0,
        pi: 1.2,
        beta: 2,
        character: null,
        members: 12,
        reports: 0,
      }),
    ).toBe('Logic 0: 0 claims, where 3 suffice. Practice 1.2: 12 from 12 members, where 10 suffice.');
  });
});

describe('countOf', () => {
  it('writes counts as people read them, thousands grouped', () => {
    expect(countOf(1, 'member')).toBe('1 member');
    expect(countOf(999, 'member')).toBe('999 members');
    expect(countOf(2171, 'member')).toBe('2,171 members');
    expect(formatCount(1_000_000)).toBe('1,000,000');
  });
});
