/**
 * What an analysis snapshot found, in the words the pages use: opinion groups with letters and
 * sizes, their representative statements, the consensus and the divisive statements, each
 * with the statement's text. Pure: the opinion map page and the line editor share it, so both
 * list as consensus exactly what the analysis API serves: what every group agrees with, or every
 * group rejects (core's `withGroupConsensus`), never an overall majority one group rejects.
 */
import { groupLetter } from '../../core/model/wording.js';
import type { AnalysisSnapshot } from '../../contract/analysis.js';

export type Direction = 'agree' | 'disagree';

export interface StatementFinding {
  statementId: string;
  /** null when the statement is not among those the reader may see. */
  text: string | null;
  direction: Direction | null;
  /**
   * Share of the group's voters voting `direction`; for consensus, the lowest share over the
   * groups (every group is above half).
   */
  share: number | null;
  score: number | null;
}

export interface GroupFinding {
  id: string;
  /** "A", "B", … in the snapshot's order. */
  label: string;
  size: number;
  /** Share of all participants on the map. */
  share: number;
  representative: StatementFinding[];
}

export interface Findings {
  participants: number;
  clustered: number;
  groups: GroupFinding[];
  consensus: StatementFinding[];
  divisive: StatementFinding[];
}

/** "A" … "Z", then "AA", "AB", …: the model's own lettering, so pages and the model's sentences name a group alike. */
export const groupLabel = groupLetter;

/** Group id → its letter, in the snapshot's order. */
export function groupLabels(groups: readonly { id: string }[]): Map<string, string> {
  return new Map(groups.map((g, i) => [g.id, groupLabel(i)]));
}

export function analysisFindings(
  snapshot: Pick<AnalysisSnapshot, 'groups' | 'consensus' | 'divisive' | 'map' | 'counts'>,
  texts: ReadonlyMap<string, string>,
): Findings {
  const participants = snapshot.map.members.length || snapshot.counts.participants;
  const textOf = (id: string) => texts.get(id) ?? null;
  return {
    participants,
    clustered: snapshot.groups.reduce((n, g) => n + g.members.length, 0),
    groups: snapshot.groups.map((g, i) => ({
      id: g.id,
      label: groupLabel(i),
      size: g.members.length,
      share: participants > 0 ? g.members.length / participants : 0,
      representative: g.representative.map((r) => ({
        statementId: r.statementId,
        text: textOf(r.statementId),
        direction: r.direction,
        share: r.share,
        score: r.score,
      })),
    })),
    consensus: snapshot.consensus.map((c) => ({
      statementId: c.statementId,
      text: textOf(c.statementId),
      direction: c.direction,
      share: c.share,
      score: null,
    })),
    divisive: snapshot.divisive.map((d) => ({ statementId: d.statementId, text: textOf(d.statementId), direction: null, share: null, score: d.score })),
  };
}
