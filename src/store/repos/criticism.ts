/**
 * Criticism from below. Nothing here takes a member id together with a criticism: issuance
 * counts tokens per (member, epoch) and keeps hashes of the blinded messages it signed, spending
 * knows only a token's hash. Once a batch is published nothing stored keeps its arrival order or
 * a link from a spent token to its criticism: the batch's rows are deleted and written afresh,
 * in random order, in the publication's transaction (on SQLite with secure_delete on, and the WAL
 * truncated after). The organisation's public chain holds its published criticism and its epoch
 * keys; every append locks the chain's head first.
 */
import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { CHAIN_GENESIS, DomainError, chainEntry, criticismContent, epochKeyContent, previousEpochOf, type CriticismTarget } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { truncateSqliteWal } from '../dialect/sqlite-wal.js';
import { newId } from '../ids.js';
import { inTransaction } from '../tx.js';
import type { CriticismAnswerTable, CriticismKeyTable, CriticismTable } from '../schema/index.js';

export type CriticismRow = CriticismTable;
export type CriticismKeyRow = CriticismKeyTable;
export type CriticismAnswerRow = CriticismAnswerTable;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Rows per statement when a batch is rewritten (well below either database's parameter limit). */
const ROWS_PER_STATEMENT = 200;

/** A key's fingerprint: lowercase hex SHA-256 of its DER (SubjectPublicKeyInfo) bytes. */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex');
}

/** Fisher–Yates with a cryptographic source: the order says nothing about arrival. */
function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function chunks<T>(xs: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

interface ChainHead {
  position: number;
  entryHash: string;
}

/**
 * Lock the organisation's chain for an append and read its head (position 0 and the genesis hash
 * when empty). The lock is a write of the head's row: PostgreSQL holds it to the transaction's
 * end, so appends are serialised (SQLite's transactions are serialised anyway).
 */
async function lockChain(trx: Db, orgId: string): Promise<ChainHead> {
  await trx
    .insertInto('criticism_chain_heads')
    .values({ org_id: orgId, position: 0, entry_hash: CHAIN_GENESIS })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  await trx
    .updateTable('criticism_chain_heads')
    .set({ position: sql<number>`position` })
    .where('org_id', '=', orgId)
    .execute();
  const head = await trx.selectFrom('criticism_chain_heads').select(['position', 'entry_hash']).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return { position: Number(head.position), entryHash: head.entry_hash };
}

async function moveChainHead(trx: Db, orgId: string, head: ChainHead): Promise<void> {
  await trx.updateTable('criticism_chain_heads').set({ position: head.position, entry_hash: head.entryHash }).where('org_id', '=', orgId).execute();
}

/** The hash of the organisation's last chain entry ('' while the chain is empty). */
export async function chainHead(db: Db, orgId: string): Promise<string> {
  const head = await db.selectFrom('criticism_chain_heads').select(['position', 'entry_hash']).where('org_id', '=', orgId).executeTakeFirst();
  return head && Number(head.position) > 0 ? head.entry_hash : '';
}

export async function findEpochKey(db: Db, orgId: string, epoch: string): Promise<CriticismKeyRow | undefined> {
  return db.selectFrom('criticism_keys').selectAll().where('org_id', '=', orgId).where('epoch', '=', epoch).executeTakeFirst();
}

/**
 * The organisation's keys for `epochs`, each made by `generate` the first time it is needed and
 * appended to the public chain as it is made (a key made before keys were published is appended
 * when next asked for). Reads only, when every key exists and is published.
 */
export async function epochKeys(
  db: Db,
  orgId: string,
  epochs: readonly string[],
  generate: () => Promise<{ publicKey: string; privateKey: string }>,
  at: string,
): Promise<CriticismKeyRow[]> {
  const found = await db.selectFrom('criticism_keys').selectAll().where('org_id', '=', orgId).where('epoch', 'in', epochs).execute();
  const byEpoch = new Map(found.map((k) => [k.epoch, k]));
  if (epochs.every((e) => byEpoch.get(e)?.position != null)) return epochs.map((e) => byEpoch.get(e) as CriticismKeyRow);
  const made = new Map<string, { publicKey: string; privateKey: string }>();
  for (const epoch of epochs) if (!byEpoch.has(epoch)) made.set(epoch, await generate());
  await inTransaction(db, async (trx) => {
    for (const [epoch, key] of made) {
      // Another request may have made it first: the stored one wins.
      await trx
        .insertInto('criticism_keys')
        .values({
          org_id: orgId,
          epoch,
          public_key: key.publicKey,
          private_key: key.privateKey,
          created_at: at,
          published_at: null,
          position: null,
          prev_hash: null,
          content_hash: null,
          entry_hash: null,
        })
        .onConflict((oc) => oc.columns(['org_id', 'epoch']).doNothing())
        .execute();
    }
    let head = await lockChain(trx, orgId);
    const unpublished = await trx
      .selectFrom('criticism_keys')
      .select(['epoch', 'public_key'])
      .where('org_id', '=', orgId)
      .where('epoch', 'in', epochs)
      .where('position', 'is', null)
      .orderBy('epoch')
      .execute();
    for (const k of unpublished) {
      const position = head.position + 1;
      const contentHash = sha256(epochKeyContent({ epoch: k.epoch, publicKey: k.public_key }));
      const entryHash = sha256(chainEntry({ prevHash: head.entryHash, contentHash, position, publishedAt: at }));
      await trx
        .updateTable('criticism_keys')
        .set({ published_at: at, position, prev_hash: head.entryHash, content_hash: contentHash, entry_hash: entryHash })
        .where('org_id', '=', orgId)
        .where('epoch', '=', k.epoch)
        .execute();
      head = { position, entryHash };
    }
    if (unpublished.length) await moveChainHead(trx, orgId, head);
  });
  const stored = await db.selectFrom('criticism_keys').selectAll().where('org_id', '=', orgId).where('epoch', 'in', epochs).execute();
  const storedOf = new Map(stored.map((k) => [k.epoch, k]));
  return epochs.map((e) => {
    const k = storedOf.get(e);
    if (!k) throw new Error(`criticism key of ${e} vanished after insert`);
    return k;
  });
}

export interface PublishedKey {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  publishedAt: string;
  chainPosition: number;
  prevHash: string;
  contentHash: string;
  entryHash: string;
}

/** The epoch keys as published in the chain, newest epoch first, at most `limit`. */
export async function publishedKeys(db: Db, orgId: string, limit = 10): Promise<PublishedKey[]> {
  const rows = await db
    .selectFrom('criticism_keys')
    .select(['epoch', 'public_key', 'published_at', 'position', 'prev_hash', 'content_hash', 'entry_hash'])
    .where('org_id', '=', orgId)
    .where('position', 'is not', null)
    .orderBy('epoch', 'desc')
    .limit(limit)
    .execute();
  return rows.map((k) => ({
    epoch: k.epoch,
    publicKey: k.public_key,
    fingerprint: keyFingerprint(k.public_key),
    publishedAt: k.published_at ?? '',
    chainPosition: Number(k.position),
    prevHash: k.prev_hash ?? '',
    contentHash: k.content_hash ?? '',
    entryHash: k.entry_hash ?? '',
  }));
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

/** How a blinded message is kept: its sha-256 (hex) of the bytes. */
export function blindedHash(blinded: string): string {
  return createHash('sha256').update(Buffer.from(blinded, 'base64url')).digest('hex');
}

/**
 * Count the member's blinded messages not signed before for them in this epoch against the quota,
 * keep their hashes, then run `sign` (which must not fail after this point for reasons of the
 * request); all or nothing. Messages already signed count nothing: RSA blind signing is
 * deterministic, so signing them again answers the same signatures, and a client that lost its
 * answer loses no token.
 */
export async function issueTokens<T>(
  db: Db,
  input: { orgId: string; epoch: string; memberId: string; blinded: readonly string[]; quota: number },
  sign: () => Promise<T>,
): Promise<T> {
  const hashes = [...new Set(input.blinded.map(blindedHash))];
  const member = { org_id: input.orgId, epoch: input.epoch, member_id: input.memberId };
  return inTransaction(db, async (trx) => {
    // The member's count row first, locked to the transaction's end: two requests of one member
    // are decided one after the other, and the later sees what the earlier kept.
    await trx
      .insertInto('criticism_issuance')
      .values({ ...member, tokens: 0 })
      .onConflict((oc) => oc.columns(['org_id', 'epoch', 'member_id']).doUpdateSet({ tokens: sql<number>`criticism_issuance.tokens` }))
      .execute();
    const known = new Set(
      (
        await trx
          .selectFrom('criticism_blinded')
          .select('blinded_hash')
          .where('org_id', '=', input.orgId)
          .where('epoch', '=', input.epoch)
          .where('member_id', '=', input.memberId)
          .where('blinded_hash', 'in', hashes)
          .execute()
      ).map((r) => r.blinded_hash),
    );
    const fresh = hashes.filter((h) => !known.has(h));
    if (fresh.length > 0) {
      const n = fresh.length;
      const counted = await trx
        .updateTable('criticism_issuance')
        .set({ tokens: sql<number>`tokens + ${n}` })
        .where('org_id', '=', input.orgId)
        .where('epoch', '=', input.epoch)
        .where('member_id', '=', input.memberId)
        .where('tokens', '<=', input.quota - n)
        .returning('tokens')
        .executeTakeFirst();
      if (!counted) {
        const before = await tokensIssued(trx, input.orgId, input.epoch, input.memberId);
        throw new DomainError(
          'rate_limited',
          `blinded: this epoch's quota is ${input.quota} tokens and ${before} were issued; ${Math.max(0, input.quota - before)} remain, and ${n} new blinded messages ask for more`,
        );
      }
      await trx
        .insertInto('criticism_blinded')
        .values(fresh.map((h) => ({ ...member, blinded_hash: h })))
        .execute();
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

/** Per epoch, live: tokens issued, to how many members, and how many were spent. Newest first. */
async function liveEpochTotals(db: Db, orgId: string): Promise<EpochTotals[]> {
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

export interface PublishedCounts {
  /** When they were taken: the last publication; null before the first. */
  asOf: string | null;
  pending: number;
  /** Newest epoch first. */
  epochs: EpochTotals[];
}

/** What waits for a batch and the token counts per epoch, as of the last publication: never live. */
export async function publishedCounts(db: Db, orgId: string): Promise<PublishedCounts> {
  const counts = await db.selectFrom('criticism_counts').select(['as_of', 'pending']).where('org_id', '=', orgId).executeTakeFirst();
  const epochs = await db.selectFrom('criticism_epoch_counts').selectAll().where('org_id', '=', orgId).orderBy('epoch', 'desc').execute();
  return {
    asOf: counts?.as_of ?? null,
    pending: Number(counts?.pending ?? 0),
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      tokensIssued: Number(e.tokens_issued),
      membersIssued: Number(e.members_issued),
      tokensSpent: Number(e.tokens_spent),
    })),
  };
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
 * words, while the criticism waits for its batch, is a retry and answers the first receipt; with
 * other words, or once published (the spent token no longer names its criticism), it is refused.
 */
export async function submitCriticism(db: Db, s: Submission): Promise<Receipt> {
  return inTransaction(db, async (trx) => {
    const spent = await trx.selectFrom('criticism_spent_tokens').select('pending_criticism_id').where('token_hash', '=', s.tokenHash).executeTakeFirst();
    if (spent) {
      const first =
        spent.pending_criticism_id === null
          ? undefined
          : await trx.selectFrom('criticisms').selectAll().where('id', '=', spent.pending_criticism_id).executeTakeFirst();
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
    await trx.insertInto('criticism_spent_tokens').values({ token_hash: s.tokenHash, org_id: s.orgId, epoch: s.epoch, pending_criticism_id: id }).execute();
    return { id, contentHash, writtenOn: s.writtenOn, created: true };
  });
}

/** When a publication is due, and what it then does. */
export interface PublicationTime {
  /** Criticism written before this day (YYYY-MM-DD) is published. */
  beforeDay: string;
  /** The batch's fixed publication time: the counts are taken as of it. */
  publishedAt: string;
  /** Now: signing keys whose spending window has closed by then are deleted (default: `publishedAt`). */
  now?: string;
}

/**
 * Whether the organisation has a publication due: criticism waiting whose batch is due, counts
 * older than the publication, or a signing key whose spending window has closed. Reads only.
 */
export async function publicationDue(db: Db, orgId: string, at: PublicationTime): Promise<boolean> {
  const counts = await db.selectFrom('criticism_counts').select('as_of').where('org_id', '=', orgId).executeTakeFirst();
  if (!counts || counts.as_of < at.publishedAt) return true;
  const waiting = await db
    .selectFrom('criticisms')
    .select('id')
    .where('org_id', '=', orgId)
    .where('published_at', 'is', null)
    .where('written_on', '<', at.beforeDay)
    .limit(1)
    .executeTakeFirst();
  if (waiting) return true;
  const retired = await db
    .selectFrom('criticism_keys')
    .select('epoch')
    .where('org_id', '=', orgId)
    .where('private_key', 'is not', null)
    .where('epoch', '<', retiredBefore(at))
    .limit(1)
    .executeTakeFirst();
  return retired !== undefined;
}

/** Keys of epochs before this one are past their spending window (the end of the epoch after their own). */
function retiredBefore(at: PublicationTime): string {
  return previousEpochOf(new Date(at.now ?? at.publishedAt));
}

/** Organisations with a publication due (see publicationDue). */
export async function orgsDue(db: Db, at: PublicationTime): Promise<string[]> {
  const stale = await db
    .selectFrom('organisations')
    .leftJoin('criticism_counts', 'criticism_counts.org_id', 'organisations.id')
    .select('organisations.id')
    .where((e) => e.or([e('criticism_counts.as_of', 'is', null), e('criticism_counts.as_of', '<', at.publishedAt)]))
    .execute();
  const waiting = await db
    .selectFrom('criticisms')
    .select('org_id')
    .distinct()
    .where('published_at', 'is', null)
    .where('written_on', '<', at.beforeDay)
    .execute();
  const retired = await db
    .selectFrom('criticism_keys')
    .select('org_id')
    .distinct()
    .where('private_key', 'is not', null)
    .where('epoch', '<', retiredBefore(at))
    .execute();
  return [...new Set([...stale.map((r) => r.id), ...waiting.map((r) => r.org_id), ...retired.map((r) => r.org_id)])];
}

/**
 * Publish the organisation's due batch: every pending criticism written before `beforeDay`, in
 * random order, each appended to the public chain at `publishedAt`. In the same transaction the
 * batch's criticism rows and spent-token rows are deleted and written afresh, each table in its
 * own random order, the spent tokens without the criticism they were spent on; signing keys past
 * their window lose their private half; the counts are taken as of `publishedAt`. Returns how
 * many criticisms it published. Reads only when nothing is due; publishers that meet (several
 * processes, a read publishing what is due) wait for the chain's lock, and the later finds
 * nothing left to do.
 */
export async function publishBatch(db: Db, orgId: string, at: PublicationTime): Promise<number> {
  if (!(await publicationDue(db, orgId, at))) return 0;
  let published: { criticism: number; keysRetired: number };
  try {
    published = await inTransaction(db, async (trx) => {
      let head = await lockChain(trx, orgId);
      if (!(await publicationDue(trx, orgId, at))) return { criticism: 0, keysRetired: 0 };
      const batch = shuffled(
        await trx
          .selectFrom('criticisms')
          .selectAll()
          .where('org_id', '=', orgId)
          .where('published_at', 'is', null)
          .where('written_on', '<', at.beforeDay)
          .execute(),
      );
      if (batch.length > 0) {
        const ids = batch.map((c) => c.id);
        const spent: { token_hash: string; org_id: string; epoch: string }[] = [];
        for (const part of chunks(ids))
          spent.push(
            ...(await trx.selectFrom('criticism_spent_tokens').select(['token_hash', 'org_id', 'epoch']).where('pending_criticism_id', 'in', part).execute()),
          );
        for (const part of chunks(spent))
          await trx
            .deleteFrom('criticism_spent_tokens')
            .where(
              'token_hash',
              'in',
              part.map((t) => t.token_hash),
            )
            .execute();
        for (const part of chunks(ids)) await trx.deleteFrom('criticisms').where('id', 'in', part).execute();
        const rows = batch.map((c) => {
          const position = head.position + 1;
          const entryHash = sha256(chainEntry({ prevHash: head.entryHash, contentHash: c.content_hash, position, publishedAt: at.publishedAt }));
          const row = { ...c, published_at: at.publishedAt, position, prev_hash: head.entryHash, entry_hash: entryHash };
          head = { position, entryHash };
          return row;
        });
        for (const part of chunks(rows)) await trx.insertInto('criticisms').values(part).execute();
        for (const part of chunks(shuffled(spent)))
          await trx
            .insertInto('criticism_spent_tokens')
            .values(part.map((t) => ({ ...t, pending_criticism_id: null })))
            .execute();
        await moveChainHead(trx, orgId, head);
      }
      // Signing keys past their spending window: the private half goes; the public key stays, published.
      const retired = await trx
        .updateTable('criticism_keys')
        .set({ private_key: null })
        .where('org_id', '=', orgId)
        .where('private_key', 'is not', null)
        .where('epoch', '<', retiredBefore(at))
        .executeTakeFirst();
      await trx.deleteFrom('criticism_blinded').where('org_id', '=', orgId).where('epoch', '<', retiredBefore(at)).execute();
      await takeCounts(trx, orgId, at.publishedAt);
      return { criticism: batch.length, keysRetired: Number(retired.numUpdatedRows) };
    });
  } catch (e) {
    // PostgreSQL may choose this publisher to break a deadlock with another: theirs stands.
    if (isDeadlock(e)) return 0;
    throw e;
  }
  // What the WAL held of the batch as it arrived, or of a private key now deleted, goes with it.
  if (published.criticism > 0 || published.keysRetired > 0) await truncateSqliteWal(db);
  return published.criticism;
}

/** Take the counts as of a publication: what waits, and the tokens issued and spent per epoch. */
async function takeCounts(trx: Db, orgId: string, asOf: string): Promise<void> {
  const pending = await trx
    .selectFrom('criticisms')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('criticism_counts')
    .values({ org_id: orgId, as_of: asOf, pending: Number(pending.n) })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ as_of: asOf, pending: Number(pending.n) }))
    .execute();
  await trx.deleteFrom('criticism_epoch_counts').where('org_id', '=', orgId).execute();
  const totals = await liveEpochTotals(trx, orgId);
  if (totals.length) {
    await trx
      .insertInto('criticism_epoch_counts')
      .values(
        totals.map((t) => ({ org_id: orgId, epoch: t.epoch, tokens_issued: t.tokensIssued, members_issued: t.membersIssued, tokens_spent: t.tokensSpent })),
      )
      .execute();
  }
}

function isDeadlock(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

export interface PublishedCriticism extends CriticismRow {
  seconds: number;
  secondedByMe: boolean;
  answers: (CriticismAnswerRow & { author_name: string | null; author_role: string | null })[];
}

/** The published criticism of an organisation in chain order, newest first, with seconds and answers. */
export async function listPublished(db: Db, orgId: string, memberId: string | null): Promise<PublishedCriticism[]> {
  const rows = await db
    .selectFrom('criticisms')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('position', 'is not', null)
    .orderBy('position', 'desc')
    .execute();
  const seconds = await db
    .selectFrom('criticism_seconds')
    .select((e) => ['criticism_id', e.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .groupBy('criticism_id')
    .execute();
  const mine = memberId
    ? new Set(
        (await db.selectFrom('criticism_seconds').select('criticism_id').where('org_id', '=', orgId).where('member_id', '=', memberId).execute()).map(
          (r) => r.criticism_id,
        ),
      )
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
  await db
    .deleteFrom('criticism_seconds')
    .where('org_id', '=', input.orgId)
    .where('criticism_id', '=', input.criticismId)
    .where('member_id', '=', input.memberId)
    .execute();
}

export async function answer(db: Db, input: { orgId: string; criticismId: string; authorId: string; text: string; at: string }): Promise<CriticismAnswerRow> {
  const row: CriticismAnswerRow = {
    id: newId(),
    org_id: input.orgId,
    criticism_id: input.criticismId,
    author_id: input.authorId,
    text: input.text,
    answered_at: input.at,
  };
  await db.insertInto('criticism_answers').values(row).execute();
  return row;
}
