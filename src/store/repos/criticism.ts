/**
 * Criticism from below. Nothing here takes a member id together with a criticism: issuance
 * counts tokens per (member, epoch), spending knows only a token's hash.
 */
import { createHash, randomInt } from 'node:crypto';
import { CHAIN_GENESIS, DomainError, chainEntry, criticismContent, type CriticismTarget } from '../../core/index.js';
import type { Db } from '../db.js';
import { newId } from '../ids.js';
import { sql } from 'kysely';
import { inTransaction } from '../tx.js';
import type { CriticismAnswerTable, CriticismKeyTable, CriticismTable } from '../schema/index.js';

export type CriticismRow = CriticismTable;
export type CriticismKeyRow = CriticismKeyTable;
export type CriticismAnswerRow = CriticismAnswerTable;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The organisation's key for an epoch, made by `generate` the first time it is needed. */
export async function epochKey(db: Db, orgId: string, epoch: string, generate: () => Promise<{ publicKey: string; privateKey: string }>, at: string): Promise<CriticismKeyRow> {
  const found = await findEpochKey(db, orgId, epoch);
  if (found) return found;
  const made = await generate();
  await db
    .insertInto('criticism_keys')
    .values({ org_id: orgId, epoch, public_key: made.publicKey, private_key: made.privateKey, created_at: at })
    .onConflict((oc) => oc.columns(['org_id', 'epoch']).doNothing())
    .execute();
  // Another request may have made it first: the stored one wins.
  const stored = await findEpochKey(db, orgId, epoch);
  if (!stored) throw new Error('criticism key vanished after insert');
  return stored;
}

export async function findEpochKey(db: Db, orgId: string, epoch: string): Promise<CriticismKeyRow | undefined> {
  return db.selectFrom('criticism_keys').selectAll().where('org_id', '=', orgId).where('epoch', '=', epoch).executeTakeFirst();
}

/** How many tokens the member has received in the epoch. */
export async function tokensIssued(db: Db, orgId: string, epoch: string, memberId: string): Promise<number> {
  const r = await db
    .selectFrom('criticism_issuance')
    .select('tokens')
    .where('org_id', '=', orgId)
    .where('epoch', '=', epoch)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(r?.tokens ?? 0);
}

/**
 * Count `n` more tokens to the member within the quota, then run `sign` (which must not fail
 * after this point for reasons of the request); all or nothing.
 */
export async function issueTokens<T>(db: Db, input: { orgId: string; epoch: string; memberId: string; n: number; quota: number }, sign: () => Promise<T>): Promise<T> {
  if (input.n > input.quota) throw new DomainError('rate_limited', `blinded: this epoch's quota is ${input.quota} tokens`);
  return inTransaction(db, async (trx) => {
    // One statement decides, so two concurrent requests cannot both fit under the quota.
    const counted = await trx
      .insertInto('criticism_issuance')
      .values({ org_id: input.orgId, epoch: input.epoch, member_id: input.memberId, tokens: input.n })
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'epoch', 'member_id'])
          .doUpdateSet((e) => ({ tokens: sql<number>`${e.ref('criticism_issuance.tokens')} + ${input.n}` }))
          .where('criticism_issuance.tokens', '<=', input.quota - input.n),
      )
      .returning('tokens')
      .executeTakeFirst();
    if (!counted) {
      const before = await tokensIssued(trx, input.orgId, input.epoch, input.memberId);
      throw new DomainError('rate_limited', `blinded: this epoch's quota is ${input.quota} tokens and ${before} were issued; ${Math.max(0, input.quota - before)} remain`);
    }
    return sign();
  });
}

export interface EpochTotals {
  epoch: string;
  tokensIssued: number;
  membersIssued: number;
  tokensSpent: number;
}

/** Per epoch: tokens issued, to how many members, and how many were spent. Newest first. */
export async function epochTotals(db: Db, orgId: string): Promise<EpochTotals[]> {
  const issued = await db
    .selectFrom('criticism_issuance')
    .select((e) => ['epoch', e.fn.sum<number>('tokens').as('tokens'), e.fn.countAll<number>().as('members')])
    .where('org_id', '=', orgId)
    .groupBy('epoch')
    .execute();
  const spent = await db
    .selectFrom('criticism_spent_tokens')
    .select((e) => ['epoch', e.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .groupBy('epoch')
    .execute();
  const spentOf = new Map(spent.map((s) => [s.epoch, Number(s.n)]));
  const epochs = new Set([...issued.map((i) => i.epoch), ...spentOf.keys()]);
  const issuedOf = new Map(issued.map((i) => [i.epoch, i]));
  return [...epochs]
    .sort()
    .reverse()
    .map((epoch) => ({
      epoch,
      tokensIssued: Number(issuedOf.get(epoch)?.tokens ?? 0),
      membersIssued: Number(issuedOf.get(epoch)?.members ?? 0),
      tokensSpent: spentOf.get(epoch) ?? 0,
    }));
}

export interface Submission {
  orgId: string;
  epoch: string;
  /** sha-256 of the spent token's message, hex. */
  tokenHash: string;
  targetKind: CriticismTarget;
  targetId: string | null;
  text: string;
  writtenOn: string;
}

export interface Receipt {
  id: string;
  contentHash: string;
  writtenOn: string;
  /** False when this was a retry of a submission already stored. */
  created: boolean;
}

/**
 * Store a criticism and spend its token, in one transaction. The same token again with the same
 * words is a retry and answers the first receipt; with other words it is refused.
 */
export async function submitCriticism(db: Db, s: Submission): Promise<Receipt> {
  return inTransaction(db, async (trx) => {
    const spent = await trx.selectFrom('criticism_spent_tokens').select('criticism_id').where('token_hash', '=', s.tokenHash).executeTakeFirst();
    if (spent) {
      const first = await trx.selectFrom('criticisms').selectAll().where('id', '=', spent.criticism_id).executeTakeFirst();
      if (first && first.org_id === s.orgId && first.text === s.text && first.target_kind === s.targetKind && first.target_id === s.targetId) {
        return { id: first.id, contentHash: first.content_hash, writtenOn: first.written_on, created: false };
      }
      throw new DomainError('conflict', 'token: already spent on another criticism');
    }
    const id = newId();
    const contentHash = sha256(criticismContent({ id, targetKind: s.targetKind, targetId: s.targetId, text: s.text, writtenOn: s.writtenOn }));
    await trx
      .insertInto('criticisms')
      .values({
        id,
        org_id: s.orgId,
        target_kind: s.targetKind,
        target_id: s.targetId,
        text: s.text,
        written_on: s.writtenOn,
        content_hash: contentHash,
        published_at: null,
        position: null,
        prev_hash: null,
        entry_hash: null,
      })
      .execute();
    await trx.insertInto('criticism_spent_tokens').values({ token_hash: s.tokenHash, org_id: s.orgId, epoch: s.epoch, criticism_id: id }).execute();
    return { id, contentHash, writtenOn: s.writtenOn, created: true };
  });
}

/**
 * Publish every pending criticism written before `beforeDay` as one batch at `publishedAt`, in
 * random order, each appended to the organisation's hash chain. Returns how many it published.
 * Two publishers racing: the chain's unique positions let one win; the other publishes nothing.
 */
export async function publishBatch(db: Db, orgId: string, beforeDay: string, publishedAt: string): Promise<number> {
  try {
    return await inTransaction(db, async (trx) => {
      const pending = await trx
        .selectFrom('criticisms')
        .select(['id', 'content_hash'])
        .where('org_id', '=', orgId)
        .where('published_at', 'is', null)
        .where('written_on', '<', beforeDay)
        .execute();
      if (pending.length === 0) return 0;
      // Fisher–Yates with a cryptographic source: the order says nothing about arrival.
      for (let i = pending.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [pending[i], pending[j]] = [pending[j] as (typeof pending)[number], pending[i] as (typeof pending)[number]];
      }
      const head = await trx
        .selectFrom('criticisms')
        .select(['position', 'entry_hash'])
        .where('org_id', '=', orgId)
        .where('position', 'is not', null)
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      let position = Number(head?.position ?? 0);
      let prevHash = head?.entry_hash ?? CHAIN_GENESIS;
      for (const c of pending) {
        position += 1;
        const entryHash = sha256(chainEntry({ prevHash, contentHash: c.content_hash, position, publishedAt }));
        const done = await trx
          .updateTable('criticisms')
          .set({ published_at: publishedAt, position, prev_hash: prevHash, entry_hash: entryHash })
          .where('id', '=', c.id)
          .where('published_at', 'is', null)
          .executeTakeFirst();
        // Another publisher got there first: undo this batch; theirs stands.
        if (Number(done.numUpdatedRows) !== 1) throw new LostRace();
        prevHash = entryHash;
      }
      return pending.length;
    });
  } catch (e) {
    // Two publishers of one batch at once (several processes, or a read publishing what is due):
    // one commits, the other lost the race, whether it noticed (a row already taken), collided on
    // a position, or was chosen by PostgreSQL to break a deadlock between the two.
    if (e instanceof LostRace || isUniqueViolation(e) || isDeadlock(e)) return 0;
    throw e;
  }
}

class LostRace extends Error {}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function isDeadlock(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

/** Organisations with criticism waiting for a batch written before `beforeDay`. */
export async function orgsWithPending(db: Db, beforeDay: string): Promise<string[]> {
  const rows = await db.selectFrom('criticisms').select('org_id').distinct().where('published_at', 'is', null).where('written_on', '<', beforeDay).execute();
  return rows.map((r) => r.org_id);
}

/** How many criticisms wait for their batch. */
export async function pendingCount(db: Db, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('criticisms')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface PublishedCriticism extends CriticismRow {
  seconds: number;
  secondedByMe: boolean;
  answers: (CriticismAnswerRow & { author_name: string | null; author_role: string | null })[];
}

/** The published criticism of an organisation in chain order, newest first, with seconds and answers. */
export async function listPublished(db: Db, orgId: string, memberId: string | null): Promise<PublishedCriticism[]> {
  const rows = await db.selectFrom('criticisms').selectAll().where('org_id', '=', orgId).where('position', 'is not', null).orderBy('position', 'desc').execute();
  const seconds = await db
    .selectFrom('criticism_seconds')
    .select((e) => ['criticism_id', e.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .groupBy('criticism_id')
    .execute();
  const mine = memberId
    ? new Set((await db.selectFrom('criticism_seconds').select('criticism_id').where('org_id', '=', orgId).where('member_id', '=', memberId).execute()).map((r) => r.criticism_id))
    : new Set<string>();
  const answers = await db
    .selectFrom('criticism_answers')
    .leftJoin('members', 'members.id', 'criticism_answers.author_id')
    .selectAll('criticism_answers')
    .select(['members.display_name as author_name', 'members.role as author_role'])
    .where('criticism_answers.org_id', '=', orgId)
    .orderBy('criticism_answers.answered_at')
    .orderBy('criticism_answers.id')
    .execute();
  const secondsOf = new Map(seconds.map((s) => [s.criticism_id, Number(s.n)]));
  const answersOf = new Map<string, PublishedCriticism['answers']>();
  for (const a of answers) {
    const list = answersOf.get(a.criticism_id) ?? [];
    list.push(a);
    answersOf.set(a.criticism_id, list);
  }
  return rows.map((r) => ({ ...r, seconds: secondsOf.get(r.id) ?? 0, secondedByMe: mine.has(r.id), answers: answersOf.get(r.id) ?? [] }));
}

export async function getCriticism(db: Db, orgId: string, id: string): Promise<CriticismRow | undefined> {
  return db.selectFrom('criticisms').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Second a published criticism (once per member); false when it already was. */
export async function second(db: Db, input: { orgId: string; criticismId: string; memberId: string; at: string }): Promise<boolean> {
  const r = await db
    .insertInto('criticism_seconds')
    .values({ org_id: input.orgId, criticism_id: input.criticismId, member_id: input.memberId, seconded_at: input.at })
    .onConflict((oc) => oc.columns(['criticism_id', 'member_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** How many members second one criticism, and whether this member does. */
export async function secondsOf(db: Db, orgId: string, criticismId: string, memberId: string): Promise<{ seconds: number; secondedByMe: boolean }> {
  const rows = await db.selectFrom('criticism_seconds').select('member_id').where('org_id', '=', orgId).where('criticism_id', '=', criticismId).execute();
  return { seconds: rows.length, secondedByMe: rows.some((r) => r.member_id === memberId) };
}

export async function withdrawSecond(db: Db, input: { orgId: string; criticismId: string; memberId: string }): Promise<void> {
  await db.deleteFrom('criticism_seconds').where('org_id', '=', input.orgId).where('criticism_id', '=', input.criticismId).where('member_id', '=', input.memberId).execute();
}

export async function answer(db: Db, input: { orgId: string; criticismId: string; authorId: string; text: string; at: string }): Promise<CriticismAnswerRow> {
  const row: CriticismAnswerRow = { id: newId(), org_id: input.orgId, criticism_id: input.criticismId, author_id: input.authorId, text: input.text, answered_at: input.at };
  await db.insertInto('criticism_answers').values(row).execute();
  return row;
}
