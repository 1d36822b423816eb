/**
 * Text similarity for concentrating free text: the closest existing statements while a member
 * types (an incremental index), and themes over statements and reports. Pure TypeScript, no model
 * and no I/O; English gets stop words, spelling variants and the Porter2 stemmer, every script
 * gets character trigrams. See docs/text.md.
 */
export type { TextLanguage } from './language.js';
export { guessLanguage } from './language.js';
export type { SimilarityIndex, SimilarityIndexOptions, SimilarityMatch } from './similarity-index.js';
export { createSimilarityIndex } from './similarity-index.js';
export type { Theme, ThemeItem, ThemeOptions } from './themes.js';
export { themesOf, UNTHEMED } from './themes.js';
