import { z } from 'zod';
import { endorsementKinds, roles, verdicts } from '../core/index.js';
import { textLimits as L } from './limits.js';

/** A date (00:00 UTC) or a date-time. */
const When = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/, 'must be a date (YYYY-MM-DD) or an ISO date-time')
  .transform((s, c) => {
    const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(ms)) {
      c.addIssue({ code: 'custom', message: 'must be a real date' });
      return z.NEVER;
    }
    return ms;
  });
const Key = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** The model's settings a timeline (or an organisation) may override; MODEL.md defaults elsewhere. */
export const ModelSettingsPatch = z
  .object({
    halfLifeDays: z
      .union([z.number().positive('must be positive'), z.null()])
      .optional()
      .describe('null means ∞: practice never fades'),
    fullConsultationActs: z.number().int().min(1).max(1000).optional(),
    reportWeight: z.number().min(0).max(100).optional(),
    logicSufficiency: z.number().positive().max(1000).optional(),
    practiceSufficiencyFloor: z.number().positive().max(1e7).optional(),
    practiceSufficiencyShare: z.number().min(0).max(1).optional(),
    beta: z.number().gt(1, 'must be greater than 1').max(100).optional(),
    embraceTarget: z.number().min(0).max(1).optional(),
    groupEmbraceTarget: z.number().min(0).max(1).optional(),
    trendWindowDays: z.number().positive().max(3650).optional(),
    forecastHorizonDays: z.number().positive().max(36500).optional(),
    waveringVolatility: z.number().min(0).max(1).optional(),
  })
  .strict();

const base = { at: When };
export const TimelineEvent = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('issue'),
      issue: Key,
      title: z.string().min(L.issueTitle.min).max(L.issueTitle.max),
      description: z.string().max(L.issueDescription.max).optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('statement'), issue: Key, id: Key, member: Key, text: z.string().min(L.statement.min).max(L.statement.max) }).strict(),
  z.object({ ...base, type: z.literal('vote'), member: Key, statement: Key, value: z.union([z.literal(1), z.literal(-1), z.literal(0)]) }).strict(),
  z
    .object({
      ...base,
      type: z.literal('line'),
      issue: Key,
      claims: z.array(z.object({ id: Key, text: z.string().min(L.claim.min).max(L.claim.max), cites: z.array(Key).default([]) }).strict()).min(1),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('endorse'),
      member: Key,
      issue: Key,
      response: z.enum(endorsementKinds),
      text: z.string().min(L.endorsement.min).max(L.endorsement.max).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('report'),
      member: Key,
      issue: Key,
      id: Key.optional(),
      claim: Key.optional(),
      verdict: z.enum(verdicts).optional(),
      action: Key.optional().describe('the action the report comes from'),
      text: z.string().min(L.report.min).max(L.report.max),
    })
    .strict(),
  z.object({ ...base, type: z.literal('advance'), issue: Key }).strict(),
  z.object({ ...base, type: z.literal('important'), member: Key, issue: Key }).strict(),
  z.object({ ...base, type: z.literal('block'), issue: Key, blocks: Key }).strict(),
  /** Criticism from below: the member fetches a blind-signed token and spends it without a session. */
  z
    .object({
      ...base,
      type: z.literal('criticise'),
      member: Key,
      id: Key,
      issue: Key.optional().describe('the issue criticised; the leadership when absent'),
      text: z.string().min(L.criticism.min).max(L.criticism.max),
    })
    .strict(),
  z.object({ ...base, type: z.literal('second'), member: Key, criticism: Key }).strict(),
  /** The leadership's public answer (given by the organiser who replays the timeline). */
  z.object({ ...base, type: z.literal('answer'), criticism: Key, text: z.string().min(L.criticismAnswer.min).max(L.criticismAnswer.max) }).strict(),
  /** An action that puts the issue's current line into practice, created by the organiser who replays the timeline. */
  z
    .object({
      ...base,
      type: z.literal('action'),
      issue: Key,
      id: Key,
      title: z.string().min(L.actionTitle.min).max(L.actionTitle.max),
      claim: Key.optional().describe('the claim the action puts to the test'),
    })
    .strict(),
  /** A member takes part in an action. */
  z.object({ ...base, type: z.literal('join'), member: Key, action: Key }).strict(),
  /** An organiser merges a duplicate statement into another of the same issue. */
  z.object({ ...base, type: z.literal('merge'), issue: Key, from: Key, into: Key }).strict(),
]);
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const Timeline = z
  .object({
    settings: ModelSettingsPatch.default({}),
    members: z.array(
      z
        .object({
          id: Key,
          joined: When,
          constituency: z.string().min(L.constituency.min).max(L.constituency.max).optional(),
          name: z.string().min(L.displayName.min).max(L.displayName.max).optional(),
          role: z.enum(roles).default('member').describe("organisers and admins are the leadership: their own activity is not the masses' practice"),
        })
        .strict(),
    ),
    events: z.array(TimelineEvent),
    ask: z.array(When).default([]),
  })
  .strict()
  .superRefine((t, c) => {
    // What an event names must be in the timeline: its members, and the statements, actions and criticisms it declares.
    const memberKeys = new Set<string>();
    t.members.forEach((m, i) => {
      if (memberKeys.has(m.id)) c.addIssue({ code: 'custom', path: ['members', i, 'id'], message: `member "${m.id}" is declared twice` });
      memberKeys.add(m.id);
    });
    const statementIssue = new Map<string, string>();
    const actionKeys = new Set<string>();
    t.events.forEach((e, i) => {
      if (e.type === 'statement') statementIssue.set(e.id, e.issue);
      if (e.type === 'action') {
        if (actionKeys.has(e.id)) c.addIssue({ code: 'custom', path: ['events', i, 'id'], message: `action "${e.id}" is declared twice` });
        actionKeys.add(e.id);
      }
    });
    t.events.forEach((e, i) => {
      if ('member' in e && !memberKeys.has(e.member))
        c.addIssue({ code: 'custom', path: ['events', i, 'member'], message: `no member "${e.member}" in members` });
      if (e.type === 'join' && !actionKeys.has(e.action))
        c.addIssue({ code: 'custom', path: ['events', i, 'action'], message: `no action "${e.action}" among the events` });
      if (e.type === 'report' && e.action !== undefined && !actionKeys.has(e.action))
        c.addIssue({ code: 'custom', path: ['events', i, 'action'], message: `no action "${e.action}" among the events` });
      if (e.type === 'merge') {
        for (const field of ['from', 'into'] as const) {
          const issue = statementIssue.get(e[field]);
          if (issue === undefined) c.addIssue({ code: 'custom', path: ['events', i, field], message: `no statement "${e[field]}" among the events` });
          else if (issue !== e.issue)
            c.addIssue({ code: 'custom', path: ['events', i, field], message: `statement "${e[field]}" is on issue "${issue}", not "${e.issue}"` });
        }
        if (e.from === e.into) c.addIssue({ code: 'custom', path: ['events', i, 'into'], message: 'a statement cannot be merged into itself' });
      }
    });
  });
export type Timeline = z.infer<typeof Timeline>;
