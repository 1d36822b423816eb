/**
 * Acceptance of the similar-statement suggestions (issue #7): statements of real Pol.is
 * conversations, reworded by hand as members would type them (rewordings.ts), find their original
 * among the first three suggestions at least 80 % of the time. The index is the one `massline
 * similar` builds (shown statements, language guessed from them). Nothing is tuned on this set:
 * the method's one parameter was chosen on `tuningRewordings`, a different conversation.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { statementIndexOf } from '../../src/cli/similar.js';
import { rewordings, tuningRewordings, type Rewording } from './rewordings.js';

const dataRoot = path.resolve(import.meta.dirname, '../../../shared/data/polis');

interface Outcome {
  rewording: Rewording;
  /** 1-based rank of the original among the first three, or null. */
  rank: number | null;
}

function outcomes(set: readonly Rewording[]): Outcome[] {
  const byConversation = new Map<string, ReturnType<typeof statementIndexOf>>();
  return set.map((rewording) => {
    let built = byConversation.get(rewording.conversation);
    if (!built) {
      built = statementIndexOf(readPolisConversation(path.join(dataRoot, rewording.conversation)).comments);
      byConversation.set(rewording.conversation, built);
    }
    expect(built.statements.has(rewording.original), `${rewording.conversation}/${rewording.original} is a shown statement`).toBe(true);
    const at = built.index.query(rewording.typed, 3).findIndex((m) => m.id === rewording.original);
    return { rewording, rank: at < 0 ? null : at + 1 };
  });
}

function report(name: string, results: readonly Outcome[]): number {
  const hits = results.filter((r) => r.rank !== null).length;
  const rate = hits / results.length;
  const conversations = new Set(results.map((r) => r.rewording.conversation));
  console.log(
    `${name}: original in the top 3 for ${hits} of ${results.length} rewordings (${(rate * 100).toFixed(1)} %) over ${conversations.size} conversations; first for ${results.filter((r) => r.rank === 1).length}`,
  );
  for (const r of results.filter((o) => o.rank === null)) console.log(`  missed ${r.rewording.conversation}/${r.rewording.original}: "${r.rewording.typed}"`);
  return rate;
}

describe('similar statements on hand-reworded Pol.is statements', () => {
  it('the set is at least 40 rewordings over at least 4 conversations, each original once', () => {
    expect(rewordings.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rewordings.map((r) => r.conversation)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(rewordings.map((r) => `${r.conversation}/${r.original}`)).size).toBe(rewordings.length);
    const tuning = new Set(tuningRewordings.map((r) => r.conversation));
    for (const r of rewordings) expect(tuning.has(r.conversation)).toBe(false);
  });

  it('finds the original among the first three suggestions for at least 80 % of them', () => {
    expect(report('similar (acceptance set)', outcomes(rewordings))).toBeGreaterThanOrEqual(0.8);
  });

  it('does as well on the tuning set', () => {
    expect(report('similar (tuning set)', outcomes(tuningRewordings))).toBeGreaterThanOrEqual(0.8);
  });
});
