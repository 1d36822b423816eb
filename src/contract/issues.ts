import { z } from 'zod';
import { issueStatuses, phases, statementOrigins, statementStatuses } from '../core/index.js';
import { Id, Timestamp, text } from './common.js';
import { textLimits as L } from './limits.js';

export const Cycle = z.object({
  id: Id,
  number: z.number().int(),
  phase: z.enum(phases),
  startedAt: Timestamp,
  belowTarget: z.boolean(),
});

export const IssueSummary = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  status: z.enum(issueStatuses),
  cycle: Cycle,
  createdAt: Timestamp,
});
export const IssueList = z.object({ issues: z.array(IssueSummary) });
export const IssueCreate = z.object({ title: text(L.issueTitle.min, L.issueTitle.max), description: text(0, L.issueDescription.max).default('') }).strict();

export const VoteCounts = z.object({ agree: z.number().int(), disagree: z.number().int(), pass: z.number().int() });
export const Statement = z.object({
  id: Id,
  text: z.string(),
  status: z.enum(statementStatuses),
  origin: z.enum(statementOrigins),
  isSeed: z.boolean(),
  createdAt: Timestamp,
  votes: VoteCounts,
  /** The reader's own current vote, when they have one. */
  myVote: z.union([z.literal(-1), z.literal(0), z.literal(1)]).nullable(),
});
export type Statement = z.infer<typeof Statement>;

export const IssueDetail = IssueSummary.extend({
  statements: z.array(Statement),
  /** Members who have voted on the issue. */
  participants: z.number().int(),
  /** Current votes (one per member and statement). */
  votes: z.number().int(),
  /** Every vote ever cast, changes included (the append-only log). */
  votesCast: z.number().int(),
});
export type IssueDetail = z.infer<typeof IssueDetail>;
export const IssueDetailQuery = z.object({ status: z.enum(statementStatuses).optional() });

export const CycleAdvance = z.object({ note: text(0, L.cycleNote.max).optional() }).strict();
export const CycleAdvanced = z.object({
  cycle: Cycle,
  previousPhase: z.enum(phases),
  /** Seed statements the new cycle started with (refuted claims and reports), when a cycle ended. */
  seeded: z.number().int(),
  /** When leaving propagate: whether the embrace target was met, and where it fell short. */
  embrace: z.object({ meetsTarget: z.boolean(), shortfalls: z.array(z.string()) }).nullable(),
});

export const StatementCreate = z.object({ text: text(L.statement.min, L.statement.max), isSeed: z.boolean().optional() }).strict();
export const StatementModerate = z.object({ status: z.enum(statementStatuses) }).strict();

/** agree = 1, disagree = −1, pass = 0. */
export const VoteBody = z
  .object({ vote: z.union([z.literal(1), z.literal(-1), z.literal(0)], { error: 'must be 1 (agree), -1 (disagree) or 0 (pass)' }) })
  .strict();
export const VoteHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'must be 8–100 letters, digits or _.:-')
    .optional(),
});
export const VoteResult = z.object({ statementId: Id, vote: z.union([z.literal(1), z.literal(-1), z.literal(0)]), changed: z.boolean() });

export const NextStatement = z.object({ statement: Statement.nullable(), remaining: z.number().int() });
