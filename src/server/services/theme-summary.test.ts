import { describe, expect, it } from 'vitest';
import { citedSentences, sentencesOf, summaryPrompt, type Cite } from './theme-summary.js';

describe('summaryPrompt', () => {
  it('shows the theme’s statements and reports under short labels, and keeps the table to read the answer back', () => {
    const { messages, labels } = summaryPrompt({
      issueTitle: 'Rent',
      themeLabel: 'rent, freeze',
      statements: [
        { id: 'stmt-aaaaaaaa', text: 'Freeze the rent' },
        { id: 'stmt-bbbbbbbb', text: 'No rent  rise\nabove inflation' },
      ],
      reports: [{ id: 'rep-cccccccc', text: 'We balloted. The landlord agreed' }],
    });
    expect(messages[1]!.content).toContain('S1: Freeze the rent\nS2: No rent rise above inflation');
    expect(messages[1]!.content).toContain('Reports on practice:\nR1: We balloted. The landlord agreed');
    expect([...labels]).toEqual([
      ['S1', { kind: 'statement', ref: 'stmt-aaaaaaaa' }],
      ['S2', { kind: 'statement', ref: 'stmt-bbbbbbbb' }],
      ['R1', { kind: 'report', ref: 'rep-cccccccc' }],
    ]);
  });
});

describe('sentencesOf', () => {
  it('cuts after end marks followed by a space, keeping the citations written after the stop, not inside numbers', () => {
    expect(sentencesOf('A premium of 12.5 % is wanted [S1]. Nights are hard. [S2] [R1] Last one')).toEqual([
      'A premium of 12.5 % is wanted [S1].',
      'Nights are hard. [S2] [R1]',
      'Last one',
    ]);
    expect(sentencesOf('司機要保險［S1］。乘客要安全[S2]。')).toEqual(['司機要保險［S1］。', '乘客要安全[S2]。']);
  });
});

describe('citedSentences', () => {
  const labels = new Map<string, Cite>([
    ['S1', { kind: 'statement', ref: 'stmt-aaaaaaaa' }],
    ['S2', { kind: 'statement', ref: 'stmt-bbbbbbbb' }],
    ['R1', { kind: 'report', ref: 'rep-cccccccc' }],
  ]);

  it('keeps each sentence that cites an item of the theme, with the items’ ids, and drops the others', () => {
    const answer = [
      '- Members want the rent frozen [S1, s2].',
      '2. The landlord agreed once balloted. [R1]',
      'Everyone loves the union.',
      'Rents are too high [S9].',
      'Cited by id too [stmt-bbbbbbbb; S1; S1].',
    ].join('\n');
    expect(citedSentences(answer, labels)).toEqual({
      sentences: [
        {
          text: 'Members want the rent frozen.',
          cites: [
            { kind: 'statement', ref: 'stmt-aaaaaaaa' },
            { kind: 'statement', ref: 'stmt-bbbbbbbb' },
          ],
        },
        { text: 'The landlord agreed once balloted.', cites: [{ kind: 'report', ref: 'rep-cccccccc' }] },
        {
          text: 'Cited by id too.',
          cites: [
            { kind: 'statement', ref: 'stmt-bbbbbbbb' },
            { kind: 'statement', ref: 'stmt-aaaaaaaa' },
          ],
        },
      ],
      dropped: 2,
    });
  });

  it('reads full-width brackets as brackets', () => {
    expect(citedSentences('司機要保險［S1］。乘客要安全【R1】。沒有出處。', labels)).toEqual({
      sentences: [
        { text: '司機要保險。', cites: [{ kind: 'statement', ref: 'stmt-aaaaaaaa' }] },
        { text: '乘客要安全。', cites: [{ kind: 'report', ref: 'rep-cccccccc' }] },
      ],
      dropped: 1,
    });
  });

  it('drops a bare citation with no words, and reads nothing from an empty answer', () => {
    expect(citedSentences('[S1]\n\n', labels)).toEqual({ sentences: [], dropped: 1 });
    expect(citedSentences('', labels)).toEqual({ sentences: [], dropped: 0 });
  });
});
