/**
 * Criticism from below (MODEL.md §7): the pure rules. Tokens belong to an epoch (an ISO week);
 * criticism is published in daily batches at a fixed hour; what the author may check later
 * (the receipt) and what the public chain links are canonical strings hashed by the store.
 */

export const criticismTargets = ['leadership', 'issue', 'line-version'] as const;
export type CriticismTarget = (typeof criticismTargets)[number];

/** The ISO-8601 week of a moment (UTC), e.g. "2026-W48": the epoch tokens are issued for. */
export function epochOf(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week names its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The epoch before the one of `at` (a token stays spendable for one epoch after its own). */
export function previousEpochOf(at: Date): string {
  return epochOf(new Date(at.getTime() - 7 * 86_400_000));
}

/** Epochs in which a token may be spent at `at`: its own and the one before. */
export function spendableEpochs(at: Date): readonly string[] {
  return [epochOf(at), previousEpochOf(at)];
}

/** The epoch after the one of `at`: its key is made ahead, so wallets can refill before it starts. */
export function nextEpochOf(at: Date): string {
  return epochOf(new Date(at.getTime() + 7 * 86_400_000));
}

/** The start of an epoch (Monday 00:00 UTC of the ISO week), from its name. */
export function epochStart(epoch: string): Date {
  const [year, week] = epoch.split('-W').map(Number) as [number, number];
  // 4 January is always in week 1; its Monday starts week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = new Date(jan4).getUTCDay() || 7;
  return new Date(jan4 - (weekday - 1) * 86_400_000 + (week - 1) * 7 * 86_400_000);
}

/** When an epoch's tokens stop being spendable: the end of the epoch after it. */
export function epochSpendableUntil(epoch: string): Date {
  return new Date(epochStart(epoch).getTime() + 14 * 86_400_000);
}

/**
 * Whether an epoch's signing key may be deleted at `at`: its spending window has closed, so no
 * token it signed is accepted any more (the public key stays, published in the chain).
 */
export function epochKeyRetired(epoch: string, at: Date): boolean {
  return at.getTime() >= epochSpendableUntil(epoch).getTime();
}

/** When tokens issued at `at` stop being spendable: the end of the epoch after theirs (Monday 00:00 UTC). */
export function spendableUntil(at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const weekday = new Date(day).getUTCDay() || 7;
  return new Date(day + (8 - weekday + 7) * 86_400_000);
}

/** The calendar day of a moment (UTC): the only time a criticism carries. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The latest fixed publication time at or before `at`: each day at `hourUtc`:00 UTC. */
export function lastPublicationAt(at: Date, hourUtc: number): Date {
  const today = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), hourUtc);
  return new Date(today <= at.getTime() ? today : today - 86_400_000);
}

/** The next fixed publication time after `at`. */
export function nextPublicationAt(at: Date, hourUtc: number): Date {
  return new Date(lastPublicationAt(at, hourUtc).getTime() + 86_400_000);
}

/**
 * When a criticism written on `writtenOn` is published: at the first publication time of a later
 * day, so everything written on one day appears together, whatever its hour.
 */
export function publicationOf(writtenOn: string, hourUtc: number): Date {
  return new Date(Date.parse(`${writtenOn}T00:00:00Z`) + 86_400_000 + hourUtc * 3_600_000);
}

/** The text hashed into the author's receipt: what they wrote, about what, on which day. */
export function criticismContent(c: { id: string; targetKind: string; targetId: string | null; text: string; writtenOn: string }): string {
  return JSON.stringify(['massline-criticism-v1', c.id, c.targetKind, c.targetId, c.text, c.writtenOn]);
}

/**
 * The text hashed into a key's chain entry (its content hash, as a criticism's content is): the
 * epoch and its public key (SPKI DER, base64url). A chain entry is a criticism or a key.
 */
export function epochKeyContent(k: { epoch: string; publicKey: string }): string {
  return JSON.stringify(['massline-epoch-key-v1', k.epoch, k.publicKey]);
}

/** The text hashed into a chain entry: the previous entry, this content, its place and batch. */
export function chainEntry(e: { prevHash: string; contentHash: string; position: number; publishedAt: string }): string {
  return JSON.stringify(['massline-chain-v1', e.prevHash, e.contentHash, e.position, e.publishedAt]);
}

/** The hash the chain starts from. */
export const CHAIN_GENESIS = '0'.repeat(64);

/** Median of a list (undefined when empty). */
function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export interface CriticismTiming {
  publishedAt: string;
  firstAnsweredAt: string | null;
}

/**
 * The organisation's bureaucracy figure (MODEL.md §7): the median days from publication to the
 * leadership's first public answer, in which a criticism still unanswered counts with its age so
 * far. Leaving the hardest criticism unanswered cannot improve it: the wait goes on counting.
 * Also how long the unanswered criticism has waited.
 */
export function bureaucracy(items: readonly CriticismTiming[], now: Date) {
  const days = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 86_400_000);
  const answered = items.filter((c) => c.firstAnsweredAt !== null);
  const waiting = items.filter((c) => c.firstAnsweredAt === null).map((c) => days(c.publishedAt, now.getTime()));
  const toAnswer = answered.map((c) => days(c.publishedAt, Date.parse(c.firstAnsweredAt ?? c.publishedAt)));
  return {
    published: items.length,
    answered: answered.length,
    unanswered: waiting.length,
    medianDaysToAnswer: median([...toAnswer, ...waiting]) ?? null,
    oldestUnansweredDays: waiting.length ? Math.max(...waiting) : null,
    medianUnansweredDays: median(waiting) ?? null,
  };
}
