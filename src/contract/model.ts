/**
 * Responses of the model's routes (MODEL.md §2–4, §6–7). Each figure carries `how` it was
 * computed; the detailed terms behind it pass through as they are (loose objects), and every
 * infinite quantity (π/ℓ with ℓ = 0, an infinite half-life) is sent as null.
 */
import { z } from 'zod';
import { Id, Timestamp, text } from './common.js';

const characterNames = ['fool', 'left-communist', 'empiricist', 'correct'] as const;
export const Character = z.enum(characterNames);
const Figure = z.looseObject({ value: z.number().nullable(), how: z.string() });

export const Health = z.looseObject({
  at: z.number(),
  l: z.number(),
  pi: z.number(),
  practicePerLogic: z.number().nullable(),
  character: Character,
  /** L₀. */
  logicSufficiency: z.number(),
  pureLogic: Figure,
  practice: Figure,
  practiceSufficiency: Figure,
  how: z.string(),
});

export const Forecast = z.looseObject({
  at: z.number().nullable(),
  iso: z.string().nullable(),
  date: z.string().nullable(),
  into: z.enum(['left-communist', 'fool']).nullable(),
  already: z.boolean(),
  /** The days that half-lives of 90 and 365 days give (null: beyond the horizon). */
  range: z.object({ halfLifeDays: z.array(z.number()), earliest: z.string().nullable(), latest: z.string().nullable() }),
  /** Set in an issue's first gathering (no line yet): what it lacks, and no verdict. */
  gathering: z.object({ members: z.number().int(), reports: z.number().int(), how: z.string() }).nullable(),
  how: z.string(),
});

export const IssueHealth = z.object({
  issueId: Id,
  title: z.string(),
  health: Health,
  quality: z.looseObject({ grounding: Figure, refuted: Figure, representativeness: Figure, concentration: Figure }),
  forecast: Forecast,
  marks: z.object({ driftedFromMasses: z.boolean() }),
});
export const HealthReport = z.object({
  at: Timestamp,
  organisation: z.object({ health: Health, forecast: Forecast }),
  issues: z.array(IssueHealth),
});
export const AtQuery = z.object({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).max(40, 'must be at most 40 characters').optional(),
});

export const HealthPoint = z.looseObject({ at: z.number(), pureLogic: z.number(), practice: z.number(), l: z.number(), pi: z.number(), character: Character });
export const HealthTrail = z.object({ issueId: Id, points: z.array(HealthPoint) });

export const WhatIfQuery = z.object({
  everyWeeks: z.coerce.number().int().min(1, 'must be at least 1').max(104, 'must be at most 104'),
  members: z.coerce.number().int().min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000'),
});
export const WhatIf = z.looseObject({
  trail: z.array(HealthPoint),
  leavesCorrect: z.looseObject({ at: z.number(), iso: z.string(), date: z.string(), into: Character }).nullable(),
  rounds: z.number().int(),
  how: z.string(),
});

export const QualitativeChange = z.looseObject({
  at: z.number(),
  iso: z.string(),
  issueId: Id,
  type: z.string(),
  description: z.string(),
  detail: z.looseObject({}),
});
export const ChangeList = z.object({ changes: z.array(QualitativeChange) });

export const PrincipalContradiction = z.looseObject({
  principal: z.looseObject({ issueId: Id, title: z.string(), score: z.number(), reasons: z.array(z.string()) }).nullable(),
  ranking: z.array(z.looseObject({ issueId: Id, title: z.string(), rank: z.number().int(), score: z.number(), reasons: z.array(z.string()) })),
  how: z.string(),
});
export const UnitedFront = z.looseObject({
  issueId: Id,
  lineVersionId: z.string().nullable(),
  bloc: z.looseObject({ groups: z.array(z.looseObject({})), constituencies: z.array(z.looseObject({})) }),
  setAside: z.array(z.looseObject({ statementId: z.string(), text: z.string().nullable() })),
  constituencies: z.array(z.looseObject({})),
  wavering: z.array(z.string()),
  steady: z.array(z.string()),
  how: z.string(),
});
/** The marks of §6 on one issue: the caller's importance mark, and the blocking marks around it. */
const MarkedIssue = z.object({ issueId: Id, title: z.string() });
export const IssueMarks = z.object({
  importantToMe: z.boolean(),
  markedImportant: z.number().int(),
  blocks: z.array(MarkedIssue),
  blockedBy: z.array(MarkedIssue),
});
export const BlockParams = z.object({ orgId: Id, issueId: Id, blockedId: Id });
export const MemberLoop = z.looseObject({ statements: z.array(z.looseObject({})), reports: z.array(z.looseObject({})) });
export const EmbraceView = z.looseObject({
  lineVersionId: Id,
  overall: z.looseObject({}),
  groups: z.array(z.looseObject({})),
  constituencies: z.array(z.looseObject({})),
  meetsTarget: z.boolean(),
  shortfalls: z.array(z.string()),
  how: z.string(),
});
export const ResolveBody = z
  .object({
    successors: z
      .array(z.object({ title: text(1, 200), description: text(0, 5000).default('') }).strict())
      .max(20)
      .default([]),
  })
  .strict();
export const Resolved = z.object({ issueId: Id, successors: z.array(Id) });
