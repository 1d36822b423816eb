import { z } from 'zod';
import { criticismTargets } from '../core/index.js';
import { Id, Timestamp, text } from './common.js';
import { BLINDED_PER_REQUEST, textLimits as L } from './limits.js';

/** base64url bytes of a bounded length. */
function bytes(name: string, maxChars: number) {
  return z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `must be base64url (${name})`)
    .max(maxChars, `must be at most ${maxChars} characters`);
}

export const Epoch = z.string().regex(/^\d{4}-W\d{2}$/, 'must be an ISO week such as 2026-W48');
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const CriticismParams = z.object({ orgId: Id, criticismId: Id });

/** One epoch's blind-signing key as a member's client sees it, with what it has been issued of it. */
export const CriticismEpochKey = z.object({
  epoch: Epoch,
  /** RSA public key (SubjectPublicKeyInfo, DER, base64url) for RSABSSA-SHA384-PSS-Randomized, RFC 9474. */
  publicKey: z.string(),
  /** Lowercase hex SHA-256 of the DER public key bytes: what members compare out of band. */
  fingerprint: z.string(),
  issuedToMe: z.number().int(),
  /** The epoch's start: tokens of this key are accepted from then on. */
  spendableFrom: Timestamp,
  /** When this key's tokens are no longer accepted (the end of the epoch after it). */
  spendableUntil: Timestamp,
});

/**
 * What a member's client needs to fetch tokens: the current epoch's key and the next one's (made
 * ahead, so the wallet refills before it is needed), each with what is left of the quota.
 */
export const CriticismEpoch = z.object({
  quota: z.number().int(),
  nextPublicationAt: Timestamp,
  /** Exactly two: the current epoch, then the next. */
  epochs: z.array(CriticismEpochKey),
});

/** An epoch key as published in the organisation's public chain (the chain criticism is published in). */
export const PublishedEpochKey = z.object({
  epoch: Epoch,
  publicKey: z.string(),
  fingerprint: z.string(),
  /** When the key was made, and appended to the chain. */
  publishedAt: Timestamp,
  chainPosition: z.number().int(),
  entryHash: z.string(),
  /** The chain entry before this one, and the hash of the key's content (core: epochKeyContent). */
  prevHash: z.string(),
  contentHash: z.string(),
});

/** Every epoch key as published, newest first, at most the last 10 epochs. Reads no cookie. */
export const CriticismKeys = z.object({ keys: z.array(PublishedEpochKey) });

/**
 * Blinded messages to sign for the current or the next epoch. Idempotent on the blinded messages:
 * those already signed for this member and epoch are answered again with the same signatures and
 * count once against the quota; only new ones count.
 */
export const TokenRequest = z
  .object({
    epoch: Epoch,
    blinded: z
      .array(bytes('blinded message', 400))
      .min(1, 'must hold at least one blinded message')
      .max(BLINDED_PER_REQUEST, `must hold at most ${BLINDED_PER_REQUEST} blinded messages`),
  })
  .strict();
export const TokenResponse = z.object({ epoch: Epoch, blindSignatures: z.array(z.string()) });

export const CriticismTargetBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('leadership') }).strict(),
  z.object({ kind: z.literal('issue'), issueId: Id }).strict(),
  z.object({ kind: z.literal('line-version'), lineVersionId: Id }).strict(),
]);

export const CriticismSubmit = z
  .object({
    token: z
      .object({
        epoch: Epoch,
        /** The prepared message (random prefix + random message), base64url. */
        message: bytes('message', 200),
        signature: bytes('signature', 700),
      })
      .strict(),
    target: CriticismTargetBody,
    text: text(L.criticism.min, L.criticism.max),
  })
  .strict();

/** What the author keeps: with it they can check later that their words were published unaltered. */
export const CriticismReceipt = z.object({
  id: Id,
  contentHash: z.string(),
  writtenOn: Day,
  publishesAt: Timestamp,
});

export const CriticismReceiptStatus = z.object({
  id: Id,
  contentHash: z.string(),
  writtenOn: Day,
  status: z.enum(['pending', 'published']),
  publishesAt: Timestamp,
  position: z.number().int().nullable(),
  entryHash: z.string().nullable(),
});

export const CriticismAnswer = z.object({
  id: Id,
  text: z.string(),
  answeredAt: Timestamp,
  by: z.object({ displayName: z.string().nullable(), role: z.string().nullable() }),
});

export const Criticism = z.object({
  id: Id,
  target: z.object({ kind: z.enum(criticismTargets), id: Id.nullable(), title: z.string().nullable() }),
  text: z.string(),
  writtenOn: Day,
  publishedAt: Timestamp,
  /** Whole days since publication. */
  ageDays: z.number(),
  seconds: z.number().int(),
  secondedByMe: z.boolean(),
  answers: z.array(CriticismAnswer),
  /** Days from publication to the first answer; null while unanswered. */
  daysToAnswer: z.number().nullable(),
  chain: z.object({ position: z.number().int(), prevHash: z.string(), entryHash: z.string(), contentHash: z.string() }),
});

/** An epoch's token counts as of the last publication. */
export const EpochCount = z.object({
  epoch: Epoch,
  tokensIssued: z.number().int(),
  membersIssued: z.number().int(),
  tokensSpent: z.number().int(),
  /** quota × members now: issued tokens above it would show tokens minted for nobody. */
  ceiling: z.number().int(),
});

export const CriticismList = z.object({
  criticisms: z.array(Criticism),
  bureaucracy: z.object({
    published: z.number().int(),
    answered: z.number().int(),
    unanswered: z.number().int(),
    medianDaysToAnswer: z.number().nullable(),
    oldestUnansweredDays: z.number().nullable(),
    medianUnansweredDays: z.number().nullable(),
  }),
  /** Criticism waiting for its batch, as of the last publication (`countsAsOf`), not live. */
  pending: z.number().int(),
  /** When `pending` and the `epochs` counts were taken: the last publication. They change only then. */
  countsAsOf: Timestamp,
  nextPublicationAt: Timestamp,
  members: z.number().int(),
  quota: z.number().int(),
  epochs: z.array(EpochCount),
  chainHead: z.string(),
});

export const CriticismAnswerCreate = z.object({ text: text(L.criticismAnswer.min, L.criticismAnswer.max) }).strict();
export const SecondResult = z.object({ seconds: z.number().int(), secondedByMe: z.boolean() });

export type Criticism = z.infer<typeof Criticism>;
export type CriticismList = z.infer<typeof CriticismList>;
export type CriticismReceipt = z.infer<typeof CriticismReceipt>;
export type CriticismReceiptStatus = z.infer<typeof CriticismReceiptStatus>;
export type CriticismEpoch = z.infer<typeof CriticismEpoch>;
export type CriticismEpochKey = z.infer<typeof CriticismEpochKey>;
export type CriticismKeys = z.infer<typeof CriticismKeys>;
export type PublishedEpochKey = z.infer<typeof PublishedEpochKey>;
