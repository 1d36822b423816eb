/**
 * `massline similar PATH "TEXT" [--json]`: the statements of a Pol.is export folder closest to a
 * text, as a member would see them suggested while typing it. Hidden statements (moderated −1)
 * are not suggested. English rules apply when the statements read as English (guessLanguage).
 */
import { createSimilarityIndex, guessLanguage, type SimilarityIndex } from '../engine/index.js';
import { readPolisConversation, type PolisComment } from './polis/format.js';

export interface SimilarMatch {
  id: string;
  statement: string;
  /** Similarity in [0, 1]. */
  score: number;
}

export interface SimilarOutput {
  matches: SimilarMatch[];
}

export const SIMILAR_MATCHES = 5;

/** A similarity index of the statements a member may be shown, under the language rules their text calls for. */
export function statementIndexOf(comments: readonly PolisComment[]): { index: SimilarityIndex; statements: Map<string, string> } {
  const shown = comments.filter((c) => c.moderated !== -1);
  const index = createSimilarityIndex({ language: guessLanguage(shown.map((c) => c.body)) });
  for (const c of shown) index.add(c.id, c.body);
  return { index, statements: new Map(shown.map((c) => [c.id, c.body])) };
}

/** The `count` shown statements of the folder at `path` closest to `text`, best first. */
export function similarIn(path: string, text: string, count = SIMILAR_MATCHES): SimilarOutput {
  const { index, statements } = statementIndexOf(readPolisConversation(path).comments);
  return { matches: index.query(text, count).map((m) => ({ id: m.id, statement: statements.get(m.id)!, score: m.score })) };
}
