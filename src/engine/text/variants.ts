/**
 * English word variants brought to one form before stemming, so that the same word typed another
 * way meets itself: British and American spellings (by rule), common abbreviations of typed
 * text, and a short table of synonyms that are interchangeable in an organisation's statements.
 * The table is general on purpose: it holds no word chosen for a particular conversation.
 */

/** Abbreviations, contracted spellings and irregular British/American pairs. */
const WORD_FORMS: ReadonlyMap<string, string> = new Map([
  ['govt', 'government'],
  ['gov', 'government'],
  ["gov't", 'government'],
  ['ppl', 'people'],
  ['min', 'minimum'],
  ['max', 'maximum'],
  ['info', 'information'],
  ['thru', 'through'],
  ['tho', 'though'],
  ['bc', 'because'],
  ['cuz', 'because'],
  ['coz', 'because'],
  ['pls', 'please'],
  ['plz', 'please'],
  ['yr', 'year'],
  ['yrs', 'years'],
  ['hr', 'hour'],
  ['hrs', 'hours'],
  ['mgmt', 'management'],
  ['dept', 'department'],
  ['approx', 'approximately'],
  ['programme', 'program'],
  ['programmes', 'programs'],
  ['defence', 'defense'],
  ['offence', 'offense'],
  ['offences', 'offenses'],
  ['licence', 'license'],
  ['licences', 'licenses'],
  ['judgement', 'judgment'],
  ['ageing', 'aging'],
  ['cheque', 'check'],
  ['cheques', 'checks'],
  ['paycheque', 'paycheck'],
  ['tyre', 'tire'],
  ['tyres', 'tires'],
  ['kerb', 'curb'],
]);

/**
 * Synonyms → one representative. Only words that mean the same in nearly every sentence an
 * organisation's member would write; no word with a second common sense ("fire", "gas").
 */
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['police', 'cops', 'cop', 'policemen', 'policeman', 'policewomen', 'policewoman'],
  ['children', 'child', 'kids', 'kid'],
  ['wage', 'salary', 'paycheck'],
  ['wages', 'salaries', 'paychecks'],
  ['employer', 'boss'],
  ['employers', 'bosses'],
  ['landlord', 'landlady'],
  ['landlords', 'landladies'],
  ['tenant', 'renter'],
  ['tenants', 'renters'],
  ['ban', 'prohibit', 'forbid', 'outlaw'],
  ['banned', 'prohibited', 'forbidden', 'outlawed'],
  ['allowed', 'permitted'],
  ['start', 'begin', 'commence'],
  ['buy', 'purchase'],
  ['bought', 'purchased'],
  ['help', 'assist', 'assistance'],
  ['expensive', 'costly', 'pricey'],
  ['cheap', 'inexpensive'],
  ['repair', 'fix', 'mend'],
  ['repairs', 'fixes'],
  ['repaired', 'fixed', 'mended'],
  ['money', 'cash'],
  ['doctor', 'physician'],
  ['doctors', 'physicians'],
  ['medicine', 'medication'],
  ['medicines', 'medications'],
  ['car', 'automobile'],
  ['cars', 'automobiles'],
  ['truck', 'lorry'],
  ['trucks', 'lorries'],
  ['holiday', 'vacation'],
  ['holidays', 'vacations'],
  ['rubbish', 'garbage', 'trash'],
  ['film', 'movie'],
  ['films', 'movies'],
];

const SYNONYMS: ReadonlyMap<string, string> = new Map(SYNONYM_GROUPS.flatMap((group) => group.map((word) => [word, group[0]!] as [string, string])));

/** British spellings by rule: -our → -or (after a consonant or i), -ise → -ize, -yse → -yze, -tre/-bre → -ter/-ber. */
function americanSpelling(word: string): string {
  if (word.length < 5) return word;
  return word
    .replace(/^([a-z]*[^aeou'])our(s|ed|ing|er|ers|ite|ites|able|hood|hoods)?$/, (m, stem: string, end: string | undefined) =>
      stem.length >= 3 ? `${stem}or${end ?? ''}` : m,
    )
    .replace(/^([a-z]{2,})is(e|es|ed|ing|ation|ations|er|ers)$/, '$1iz$2')
    .replace(/^([a-z]{2,})ys(e|es|ed|ing)$/, '$1yz$2')
    .replace(/^([a-z]{2,}[^aeiou])(t|b)re(s|d)?$/, (_m, stem: string, letter: string, end: string | undefined) => `${stem}${letter}er${end ?? ''}`);
}

/** One form for a lower-case Latin English word: its abbreviation spelt out, American spelling, synonym representative. */
export function canonicalEnglishWord(word: string): string {
  const spelt = WORD_FORMS.get(word) ?? americanSpelling(word);
  return SYNONYMS.get(spelt) ?? spelt;
}
