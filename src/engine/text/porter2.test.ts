import { describe, expect, it } from 'vitest';
import { stemEnglish } from './porter2.js';

/** Words and their stems from the Snowball English sample vocabulary and the algorithm's own examples. */
const STEMS: Record<string, string> = {
  consign: 'consign', consigned: 'consign', consigning: 'consign', consignment: 'consign', consist: 'consist', consisted: 'consist',
  consistency: 'consist', consistent: 'consist', consistently: 'consist', consisting: 'consist', consists: 'consist', consolation: 'consol',
  consolations: 'consol', consolatory: 'consolatori', console: 'consol', consoled: 'consol', consoles: 'consol', consolidate: 'consolid',
  consolidated: 'consolid', consolidating: 'consolid', consoling: 'consol', consolingly: 'consol', consols: 'consol', consonant: 'conson',
  consort: 'consort', consorted: 'consort', consorting: 'consort', conspicuous: 'conspicu', conspicuously: 'conspicu', conspiracy: 'conspiraci',
  conspirator: 'conspir', conspirators: 'conspir', conspire: 'conspir', conspired: 'conspir', conspiring: 'conspir', constable: 'constabl',
  constables: 'constabl', constance: 'constanc', constancy: 'constanc', constant: 'constant',
  knack: 'knack', knackeries: 'knackeri', knacks: 'knack', knag: 'knag', knave: 'knave', knaves: 'knave', knavish: 'knavish', kneaded: 'knead',
  kneading: 'knead', knee: 'knee', kneel: 'kneel', kneeled: 'kneel', kneeling: 'kneel', kneels: 'kneel', knees: 'knee', knell: 'knell',
  knelt: 'knelt', knew: 'knew', knick: 'knick', knif: 'knif', knife: 'knife', knight: 'knight', knightly: 'knight', knights: 'knight',
  knit: 'knit', knits: 'knit', knitted: 'knit', knitting: 'knit', knives: 'knive', knob: 'knob', knobs: 'knob', knock: 'knock',
  knocked: 'knock', knocker: 'knocker', knockers: 'knocker', knocking: 'knock', knocks: 'knock', knopp: 'knopp', knot: 'knot', knots: 'knot',
  // Exceptions and the special regions.
  generously: 'generous', generate: 'generat', communication: 'communic', arsenal: 'arsenal', skies: 'sky', dying: 'die', news: 'news',
  succeeded: 'succeed', gently: 'gentl',
  // Step by step.
  cries: 'cri', ties: 'tie', gas: 'gas', gaps: 'gap', kiwis: 'kiwi', caresses: 'caress', ponies: 'poni', agreed: 'agre', hopping: 'hop',
  hoped: 'hope', tanned: 'tan', sized: 'size', falling: 'fall', fizzed: 'fizz', filing: 'file', conflated: 'conflat', troubled: 'troubl',
  happy: 'happi', happiness: 'happi', relational: 'relat', running: 'run', cry: 'cri', say: 'say',
  "business's": 'busi', businesses: 'busi',
};

describe('stemEnglish (Porter2)', () => {
  it('gives the published stems', () => {
    const wrong = Object.entries(STEMS).filter(([word, stem]) => stemEnglish(word) !== stem);
    expect(wrong.map(([word, stem]) => `${word}: ${stemEnglish(word)} ≠ ${stem}`)).toEqual([]);
  });

  it('leaves short words and anything but a–z and apostrophes alone', () => {
    for (const word of ['by', 'a', '15', 'naïve', 'Capital', 'перевод', '計程車']) expect(stemEnglish(word)).toBe(word);
  });

  it('gives one stem to inflections of a word', () => {
    expect(new Set(['vote', 'votes', 'voted', 'voting'].map(stemEnglish)).size).toBe(1);
    expect(new Set(['strategic', 'strategically'].map(stemEnglish)).size).toBe(1);
    expect(new Set(['police', 'policing'].map(stemEnglish)).size).toBe(1);
  });
});
