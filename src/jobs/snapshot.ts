/** The engine's analysis in the product's words and ids: what is stored and served. */
import type { Analysis } from '../engine/index.js';
import type { AnalysisSnapshot } from '../contract/index.js';

export function snapshotOf(a: Analysis, computeMs: number | null): AnalysisSnapshot {
  const statement = (column: number) => a.statementKeys[column]!;
  const groupIds = a.groups.map((g) => String(g.id));
  const groupOfRow = (row: number) => {
    const g = a.groupOfParticipant[row]!;
    return g < 0 ? null : String(g);
  };
  const groupVotes: AnalysisSnapshot['groupVotes'] = {};
  const t = a.groupTallies;
  for (let j = 0; j < t.statementCount; j++) {
    if (!a.statements.active[j]) continue;
    const perGroup: Record<string, { agree: number; disagree: number; pass: number }> = {};
    for (let g = 0; g < t.groupCount; g++) {
      const i = g * t.statementCount + j;
      const agree = t.agree[i]!;
      const disagree = t.disagree[i]!;
      perGroup[groupIds[g]!] = { agree, disagree, pass: t.seen[i]! - agree - disagree };
    }
    groupVotes[statement(j)] = perGroup;
  }
  const ranked = (scores: Float64Array, keep: (j: number) => boolean, limit: number) =>
    [...scores.keys()]
      .filter((j) => a.statements.active[j] && Number.isFinite(scores[j]!) && keep(j))
      .sort((x, y) => scores[y]! - scores[x]! || x - y)
      .slice(0, limit)
      .map((j) => ({ statementId: statement(j), score: scores[j]! }));
  const priorities: Record<string, number> = {};
  a.priority.forEach((p, j) => {
    if (a.statements.active[j]) priorities[statement(j)] = p;
  });
  const n = a.participantKeys.length;
  const x: number[] = new Array(n);
  const y: number[] = new Array(n);
  const group: (string | null)[] = new Array(n);
  for (let r = 0; r < n; r++) {
    x[r] = a.projection[2 * r]!;
    y[r] = a.projection[2 * r + 1]!;
    group[r] = groupOfRow(r);
  }
  return {
    source: 'engine',
    revision: a.revision,
    computeMs,
    counts: { ...a.counts },
    groups: a.groups.map((g) => ({
      id: String(g.id),
      members: [...g.members],
      representative: g.representative.map((r) => ({ statementId: r.statement, direction: r.direction, share: r.probability, score: r.representativeness })),
    })),
    // What every group agrees (or disagrees) on; `share` is the lowest group's.
    consensus: [
      ...a.consensus.agree.map((c) => ({ statementId: c.statement, direction: 'agree' as const, share: c.lowestShare })),
      ...a.consensus.disagree.map((c) => ({ statementId: c.statement, direction: 'disagree' as const, share: c.lowestShare })),
    ],
    groupInformedConsensus: ranked(a.groupInformedConsensus.agree, () => true, 10),
    divisive: a.divisive.map((d) => ({ statementId: d.statement, score: d.divisiveness })),
    bridging: ranked(a.bridging.score, () => true, 10),
    map: { members: [...a.participantKeys], x, y, group },
    groupVotes,
    priorities,
  };
}
