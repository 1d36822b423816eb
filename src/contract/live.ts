/**
 * Live updates (GET /api/orgs/{orgId}/live, Server-Sent Events): what changed, never the changed
 * data itself. A page that shows something an event names loads it again; the events stay small
 * (a PostgreSQL NOTIFY payload holds under 8000 bytes) and say nothing a reader could not load.
 *
 * On the stream each event is one SSE message: `event:` is the event's `type`, `data:` its JSON.
 */
import { z } from 'zod';
import { phases } from '../core/index.js';
import { Id } from './common.js';

const Count = z.number().int().nonnegative();

/** The stream is open and subscribed: anything that happens from now on is sent. */
export const LiveReady = z.object({ type: z.literal('ready') });

/**
 * Events may have been missed (the server's own connection to the database's notifications was
 * lost for a while): load again everything shown.
 */
export const LiveResync = z.object({ type: z.literal('resync') });

/**
 * A statement was added, moderated or merged into another. `statementId` is absent when the
 * reader may not see the statement (for members: awaiting moderation under strict moderation,
 * or rejected); members are told nothing of a change to a statement they never could see.
 */
export const LiveStatement = z.object({
  type: z.literal('statement'),
  issueId: Id,
  statementId: Id.optional(),
  change: z.enum(['added', 'moderated', 'merged']),
});

/**
 * The issue's votes changed: the totals as after the change (the figures of GET
 * /issues/{issueId}). Sent at most about once a second per issue and API process, however many
 * votes arrive; per-statement counts are not sent (load the issue for them).
 */
export const LiveVotes = z.object({
  type: z.literal('votes'),
  issueId: Id,
  votes: Count,
  votesCast: Count,
  participants: Count,
});

/** A new analysis snapshot was stored (GET /issues/{issueId}/analysis serves it), made from the vote log up to `votesSeq`. */
export const LiveAnalysis = z.object({
  type: z.literal('analysis'),
  issueId: Id,
  analysisId: Id,
  votesSeq: Count,
});

/** The issue's cycle moved to another phase (after test, a new cycle starts at gather). */
export const LivePhase = z.object({
  type: z.literal('phase'),
  issueId: Id,
  cycleNumber: z.number().int().positive(),
  phase: z.enum(phases),
  previousPhase: z.enum(phases),
});

/** A version of the issue's line was published to the members. */
export const LiveLine = z.object({
  type: z.literal('line'),
  issueId: Id,
  versionId: Id,
  number: z.number().int().positive(),
});

/** An issue was opened (by itself, or as a successor of one resolved) or resolved. */
export const LiveIssue = z.object({
  type: z.literal('issue'),
  issueId: Id,
  change: z.enum(['opened', 'resolved']),
});

export const LiveEvent = z.discriminatedUnion('type', [LiveReady, LiveResync, LiveStatement, LiveVotes, LiveAnalysis, LivePhase, LiveLine, LiveIssue]);
export type LiveEvent = z.infer<typeof LiveEvent>;
export type LiveEventType = LiveEvent['type'];
export const liveEventTypes = ['ready', 'resync', 'statement', 'votes', 'analysis', 'phase', 'line', 'issue'] as const satisfies readonly LiveEventType[];

/** What is published about a change: what is sent on the stream, not the stream's own messages. */
export const LiveChange = z.discriminatedUnion('type', [LiveStatement, LiveVotes, LiveAnalysis, LivePhase, LiveLine, LiveIssue]);
export type LiveChange = z.infer<typeof LiveChange>;

/**
 * A change as it travels between processes (the NOTIFY payload): the organisation it belongs to,
 * the event as its organisers see it, and as its plain members see it (null: not for them).
 */
export const LiveMessage = z.object({
  orgId: Id,
  organisers: LiveChange,
  members: LiveChange.nullable(),
});
export type LiveMessage = z.infer<typeof LiveMessage>;
