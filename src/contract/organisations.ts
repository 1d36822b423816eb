import { z } from 'zod';
import { moderationPolicies, roles } from '../core/index.js';
import { Id, Timestamp, text } from './common.js';
import { textLimits as L } from './limits.js';
import { ModelSettingsPatch } from './timeline.js';

export const Organisation = z.object({
  id: Id,
  slug: z.string(),
  name: z.string(),
  moderation: z.enum(moderationPolicies),
  members: z.number().int(),
  /** The model's settings in force (MODEL.md defaults where not set); halfLifeDays null means ∞. */
  settings: z.record(z.string(), z.number().nullable()),
  createdAt: Timestamp,
});
export type Organisation = z.infer<typeof Organisation>;

export const OrganisationPatch = z
  .object({ name: text(1, 120).optional(), moderation: z.enum(moderationPolicies).optional(), settings: ModelSettingsPatch.optional() })
  .strict();

export const Constituency = text(L.constituency.min, L.constituency.max);

export const Member = z.object({
  id: Id,
  displayName: z.string(),
  role: z.enum(roles),
  constituency: z.string().nullable(),
  joinedAt: Timestamp,
});
export const MemberList = z.object({ members: z.array(Member), total: z.number().int() });
export const MemberListQuery = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
  offset: z.coerce.number().int().min(0, 'must not be negative').default(0),
});
export const MemberParams = z.object({ orgId: Id, memberId: Id });
export const MemberPatch = z.object({ role: z.enum(roles).optional(), constituency: Constituency.nullable().optional() }).strict();

export const InviteCreate = z
  .object({
    role: z.enum(roles).default('member'),
    maxUses: z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000').default(1),
    expiresInHours: z
      .number()
      .int()
      .min(1, 'must be at least 1')
      .max(24 * 365, 'must be at most 8760')
      .default(24 * 7),
    constituency: Constituency.nullable().default(null),
  })
  .strict();
export const Invite = z.object({
  id: Id,
  role: z.enum(roles),
  constituency: z.string().nullable(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  expiresAt: Timestamp,
  revoked: z.boolean(),
  usable: z.boolean(),
  createdAt: Timestamp,
});
/** The token is shown once, at creation; only its hash is stored. */
export const InviteCreated = Invite.extend({ token: z.string(), path: z.string() });
export const InviteList = z.object({ invites: z.array(Invite) });
export const InviteParams = z.object({ orgId: Id, inviteId: Id });

export const InviteToken = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'must be an invite token') });
export const InvitePreview = z.object({ organisation: z.object({ name: z.string(), slug: z.string() }), role: z.enum(roles), usable: z.boolean() });
export const InviteAccept = z.object({ displayName: text(L.displayName.min, L.displayName.max), constituency: Constituency.nullable().optional() }).strict();
