import { z } from 'zod';
import { endorsementKinds, verdicts } from '../core/index.js';
import { Id, Timestamp, text } from './common.js';
import { textLimits as L } from './limits.js';

export const Citation = z.object({
  kind: z.enum(['statement', 'analysis', 'report']),
  ref: Id,
  note: text(0, 300).nullable().optional(),
});
export const ClaimInput = z
  .object({ text: text(L.claim.min, L.claim.max), cites: z.array(Citation).max(50, 'must cite at most 50 sources').default([]) })
  .strict();
export const DraftBody = z.object({ claims: z.array(ClaimInput).min(1, 'must hold at least one claim').max(50, 'must hold at most 50 claims') }).strict();

export const Claim = z.object({
  id: Id,
  position: z.number().int(),
  text: z.string(),
  cites: z.array(z.object({ kind: z.enum(['statement', 'analysis', 'report']), ref: z.string(), note: z.string().nullable(), text: z.string().nullable() })),
  refuted: z.boolean(),
});

export const LineVersion = z.object({
  id: Id,
  number: z.number().int(),
  status: z.enum(['draft', 'published']),
  cycleNumber: z.number().int(),
  analysisId: z.string().nullable(),
  createdAt: Timestamp,
  publishedAt: Timestamp.nullable(),
  claims: z.array(Claim),
  /** Changes against the previous published version. */
  diff: z.object({ added: z.array(z.string()), removed: z.array(z.string()), kept: z.array(z.string()) }).nullable(),
  marks: z.object({ revisionWithoutPractice: z.boolean(), driftedFromMasses: z.boolean() }),
});
export const LineHistory = z.object({ versions: z.array(LineVersion) });
export const VersionParams = z.object({ orgId: Id, versionId: Id });

export const EndorsementBody = z
  .object({ kind: z.enum(endorsementKinds), text: text(L.endorsement.min, L.endorsement.max).optional() })
  .strict()
  .refine((b) => b.kind === 'embrace' || b.text !== undefined, { message: 'text: a critique or an amendment needs its text', path: ['text'] });
export const Endorsement = z.object({ id: Id, kind: z.enum(endorsementKinds), text: z.string().nullable(), createdAt: Timestamp });

export const RateFigure = z.object({ embraced: z.number().int(), responders: z.number().int(), rate: z.number().nullable() });
export const EmbraceReport = z.object({
  versionId: Id,
  overall: RateFigure,
  groups: z.array(RateFigure.extend({ group: z.string() })),
  constituencies: z.array(RateFigure.extend({ constituency: z.string() })),
  targets: z.object({ overall: z.number(), group: z.number() }),
  meetsTarget: z.boolean(),
  shortfalls: z.array(z.string()),
});

export const ActionCreate = z.object({ title: text(L.actionTitle.min, L.actionTitle.max), description: text(0, L.actionDescription.max).default('') }).strict();
export const Action = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  cycleNumber: z.number().int(),
  lineVersionId: z.string().nullable(),
  createdAt: Timestamp,
  /** Members taking part, and whether the reader is one of them. */
  participants: z.number().int(),
  joinedByMe: z.boolean(),
});
export const ActionParams = z.object({ orgId: Id, actionId: Id });
export const Participation = z.object({ participants: z.number().int(), joinedByMe: z.boolean() });
export const ActionList = z.object({ actions: z.array(Action) });

export const ReportCreate = z
  .object({
    actionId: Id.optional(),
    claimId: Id.optional(),
    verdict: z.enum(verdicts).optional(),
    whatDone: text(L.report.min, L.report.max),
    whatHappened: text(L.report.min, L.report.max),
  })
  .strict()
  .refine((b) => (b.verdict === undefined) === (b.claimId === undefined), {
    message: 'verdict: give a verdict together with the claim it tests',
    path: ['verdict'],
  });
export const Report = z.object({
  id: Id,
  actionId: z.string().nullable(),
  claimId: z.string().nullable(),
  verdict: z.enum(verdicts).nullable(),
  whatDone: z.string(),
  whatHappened: z.string(),
  cycleNumber: z.number().int(),
  createdAt: Timestamp,
});
export const ReportList = z.object({ reports: z.array(Report) });

export const BlockBody = z.object({ blocks: Id }).strict();
