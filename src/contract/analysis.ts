import { z } from 'zod';
import { Id, Timestamp } from './common.js';

const StatementScore = z.object({ statementId: z.string(), score: z.number() });
const Tally = z.object({ agree: z.number().int(), disagree: z.number().int(), pass: z.number().int() });

/**
 * An analysis snapshot as stored and served: the opinion engine's result in the product's ids
 * (member and statement ids), or, for an imported conversation, the groups it came with.
 */
export const AnalysisSnapshot = z.object({
  source: z.enum(['engine', 'import']),
  /** The vote-log position the analysis saw. */
  revision: z.number().int(),
  computeMs: z.number().nullable(),
  counts: z.object({
    participants: z.number().int(),
    statements: z.number().int(),
    votes: z.number().int(),
    clustered: z.number().int(),
    groups: z.number().int(),
  }),
  groups: z.array(
    z.object({
      id: z.string(),
      members: z.array(z.string()),
      representative: z.array(z.object({ statementId: z.string(), direction: z.enum(['agree', 'disagree']), share: z.number(), score: z.number() })),
    }),
  ),
  /**
   * What every group agrees with (or every group rejects), MODEL.md §3: more than half of each
   * group's voters and the group-informed consensus above the threshold; `share` is the lowest
   * group's share voting `direction`. Served as core's `withGroupConsensus` reads the tallies,
   * so an analysis stored when consensus was the overall majority is read under the rule too.
   */
  consensus: z.array(z.object({ statementId: z.string(), direction: z.enum(['agree', 'disagree']), share: z.number() })),
  groupInformedConsensus: z.array(StatementScore),
  /** Statements that split the groups; never one in consensus. */
  divisive: z.array(StatementScore),
  bridging: z.array(StatementScore),
  /** The 2-D opinion map: one point per member, with their group (null when not clustered). */
  map: z.object({ members: z.array(z.string()), x: z.array(z.number()), y: z.array(z.number()), group: z.array(z.string().nullable()) }),
  /** Per statement, per group: the group's current votes on it. */
  groupVotes: z.record(z.string(), z.record(z.string(), Tally)),
  /** Routing priority per statement ("next statement for me"), higher first. */
  priorities: z.record(z.string(), z.number()),
});
export type AnalysisSnapshot = z.infer<typeof AnalysisSnapshot>;

export const AnalysisResponse = z.object({
  id: Id,
  cycleNumber: z.number().int(),
  createdAt: Timestamp,
  /** True when votes arrived after this snapshot; a fresher one is being computed. */
  stale: z.boolean(),
  snapshot: AnalysisSnapshot,
});

/** An analysis with only groups (an import), filled out to the full shape. */
export function snapshotOfGroups(groups: { id: string; members: string[] }[], revision: number): AnalysisSnapshot {
  return {
    source: 'import',
    revision,
    computeMs: null,
    counts: { participants: 0, statements: 0, votes: 0, clustered: groups.reduce((n, g) => n + g.members.length, 0), groups: groups.length },
    groups: groups.map((g) => ({ ...g, representative: [] })),
    consensus: [],
    groupInformedConsensus: [],
    divisive: [],
    bridging: [],
    map: { members: [], x: [], y: [], group: [] },
    groupVotes: {},
    priorities: {},
  };
}
