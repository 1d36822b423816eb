import { DomainError, notFound, type StatementOrigin, type StatementStatus, type VoteValue } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { StatementTable } from '../schema/index.js';

export type StatementRow = StatementTable;

export interface VoteCounts {
  agree: number;
  disagree: number;
  pass: number;
}

export function statementRow(input: {
  orgId: string;
  issueId: string;
  cycleId: string;
  authorId: string | null;
  text: string;
  status: StatementStatus;
  origin: StatementOrigin;
  isSeed?: boolean;
  externalRef?: string | null;
  sourceClaimId?: string | null;
  sourceReportId?: string | null;
  at: string;
}): StatementRow {
  return {
    id: newId(),
    org_id: input.orgId,
    issue_id: input.issueId,
    cycle_id: input.cycleId,
    author_id: input.authorId,
    text: input.text,
    status: input.status,
    origin: input.origin,
    is_seed: input.isSeed ? 1 : 0,
    external_ref: input.externalRef ?? null,
    created_at: input.at,
    moderated_at: null,
    moderated_by: null,
    source_claim_id: input.sourceClaimId ?? null,
    source_report_id: input.sourceReportId ?? null,
    merged_into: null,
    merged_at: null,
    merged_by: null,
  };
}

export async function insertStatements(db: Db, rows: StatementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('statements')
      .values(rows.slice(i, i + 200))
      .execute();
}

export async function getStatement(db: Db, orgId: string, statementId: string): Promise<StatementRow | undefined> {
  return db.selectFrom('statements').selectAll().where('org_id', '=', orgId).where('id', '=', statementId).executeTakeFirst();
}

export async function listStatements(db: Db, orgId: string, issueId: string, statuses?: readonly StatementStatus[]): Promise<StatementRow[]> {
  let q = db.selectFrom('statements').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId);
  if (statuses) q = q.where('status', 'in', statuses);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Rows of (statement, value, count) summed into each statement's agree / disagree / pass. */
function tally(rows: readonly { statement_id: string; value: unknown; n: unknown }[], out = new Map<string, VoteCounts>()): Map<string, VoteCounts> {
  for (const r of rows) {
    const c = out.get(r.statement_id) ?? { agree: 0, disagree: 0, pass: 0 };
    const n = Number(r.n);
    if (Number(r.value) === 1) c.agree += n;
    else if (Number(r.value) === -1) c.disagree += n;
    else c.pass += n;
    out.set(r.statement_id, c);
  }
  return out;
}

/** Agree / disagree / pass counts of the current votes on each statement of an issue. */
export async function voteCountsByStatement(db: Db, orgId: string, issueId: string): Promise<Map<string, VoteCounts>> {
  const rows = await db
    .selectFrom('votes')
    .select(['statement_id', 'value', (e) => e.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .groupBy(['statement_id', 'value'])
    .execute();
  return tally(rows);
}

/** Statements of the issue in `statuses` that the member has not voted on (merged duplicates are no longer put to the vote). */
export async function unseenStatements(
  db: Db,
  orgId: string,
  issueId: string,
  memberId: string,
  statuses: readonly StatementStatus[],
): Promise<StatementRow[]> {
  return db
    .selectFrom('statements')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('status', 'in', statuses)
    .where('merged_into', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('votes').select('votes.statement_id').whereRef('votes.statement_id', '=', 'statements.id').where('votes.member_id', '=', memberId)),
      ),
    )
    .execute();
}

export async function moderateStatement(db: Db, orgId: string, statementId: string, status: StatementStatus, by: string, at: string): Promise<void> {
  await db.updateTable('statements').set({ status, moderated_by: by, moderated_at: at }).where('org_id', '=', orgId).where('id', '=', statementId).execute();
}

export async function statementTexts(db: Db, orgId: string, ids: string[], statuses?: readonly StatementStatus[]): Promise<{ id: string; text: string }[]> {
  const out: { id: string; text: string }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length === 0) continue;
    let q = db.selectFrom('statements').select(['id', 'text']).where('org_id', '=', orgId).where('id', 'in', chunk);
    if (statuses) q = q.where('status', 'in', statuses);
    out.push(...(await q.execute()));
  }
  return out;
}

/** Agree / disagree / pass counts of the current votes on the given statements only. */
export async function voteCountsOf(db: Db, orgId: string, statementIds: readonly string[]): Promise<Map<string, VoteCounts>> {
  const out = new Map<string, VoteCounts>();
  if (statementIds.length === 0) return out;
  const rows = await db
    .selectFrom('votes')
    .select(['statement_id', 'value', (e) => e.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('statement_id', 'in', statementIds)
    .groupBy(['statement_id', 'value'])
    .execute();
  return tally(rows, out);
}

/** A member's current votes on the given statements, by statement. */
export async function memberVotesOn(db: Db, orgId: string, memberId: string, statementIds: readonly string[]): Promise<Map<string, VoteValue>> {
  if (statementIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('votes')
    .select(['statement_id', 'value'])
    .where('org_id', '=', orgId)
    .where('member_id', '=', memberId)
    .where('statement_id', 'in', statementIds)
    .execute();
  return new Map(rows.map((r) => [r.statement_id, Number(r.value) as VoteValue]));
}

/**
 * What changes when an issue's statements change, in one aggregate: how many there are, in each
 * status and merged, and the newest creation, moderation and merge. Statements are never deleted
 * on their own (only with their issue), so equal fingerprints mean nothing changed that a reader
 * of texts and statuses would see (short of two opposite moderations within one millisecond).
 */
export interface StatementsFingerprint {
  count: number;
  accepted: number;
  rejected: number;
  merged: number;
  newestCreated: string | null;
  newestModerated: string | null;
  newestMerged: string | null;
}

export async function statementsFingerprint(db: Db, orgId: string, issueId: string): Promise<StatementsFingerprint> {
  const r = await db
    .selectFrom('statements')
    .select((e) => [
      e.fn.countAll<number>().as('count'),
      e.fn.sum<number>(e.case().when('status', '=', 'accepted').then(1).else(0).end()).as('accepted'),
      e.fn.sum<number>(e.case().when('status', '=', 'rejected').then(1).else(0).end()).as('rejected'),
      e.fn.count<number>('merged_into').as('merged'),
      e.fn.max('created_at').as('newest_created'),
      e.fn.max('moderated_at').as('newest_moderated'),
      e.fn.max('merged_at').as('newest_merged'),
    ])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .executeTakeFirstOrThrow();
  return {
    count: Number(r.count),
    accepted: Number(r.accepted ?? 0),
    rejected: Number(r.rejected ?? 0),
    merged: Number(r.merged),
    newestCreated: r.newest_created ?? null,
    newestModerated: r.newest_moderated ?? null,
    newestMerged: r.newest_merged ?? null,
  };
}

/**
 * Statements of the issue created, moderated or merged at or after the marks of a fingerprint
 * taken earlier (at or after: timestamps can tie, and reading a row twice is harmless).
 */
export async function statementsChangedSince(db: Db, orgId: string, issueId: string, since: StatementsFingerprint): Promise<StatementRow[]> {
  return db
    .selectFrom('statements')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where((eb) =>
      eb.or([
        since.newestCreated === null ? eb.lit(true) : eb('created_at', '>=', since.newestCreated),
        ...(since.newestModerated === null ? [eb('moderated_at', 'is not', null)] : [eb('moderated_at', '>=', since.newestModerated)]),
        ...(since.newestMerged === null ? [eb('merged_at', 'is not', null)] : [eb('merged_at', '>=', since.newestMerged)]),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Of the given statements, those merged into another, with the statement each was merged into. */
export async function mergedTargets(db: Db, orgId: string, statementIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < statementIds.length; i += 500) {
    const chunk = statementIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('statements')
      .select(['id', 'merged_into'])
      .where('org_id', '=', orgId)
      .where('id', 'in', chunk)
      .where('merged_into', 'is not', null)
      .execute();
    for (const r of rows) out.set(r.id, r.merged_into!);
  }
  return out;
}

export interface MergeInput {
  orgId: string;
  /** The duplicate. */
  statementId: string;
  /** The statement it is merged into. */
  into: string;
  by: string;
  at: string;
}

export interface MergeOutcome {
  duplicate: StatementRow;
  target: StatementRow;
  /** Members whose current vote on the duplicate was carried to the target (a new current vote and a new log row each). */
  carried: number;
  /** Members who had voted on both: their vote on the target stands. */
  kept: number;
}

/**
 * Merge a duplicate into another statement of the same issue, inside the caller's transaction.
 * The vote log is never rewritten: each member with a current vote on the duplicate and none on
 * the target gets the same vote on the target, as a new current vote and a new log row (so each
 * current vote stays its member's newest logged vote), marked carried from the duplicate: the
 * engine reads it as the member's vote, the model counts no act for it (MODEL.md §3: a merge
 * writes no acts). A member who voted on both keeps the vote on the target. The duplicate keeps
 * its own votes and log and points at the target.
 *
 * Refused with a DomainError naming the field: an unknown statement (not_found), the statement
 * itself, another issue, a duplicate already merged or into which others were merged, a target
 * merged or rejected, a resolved issue (conflict).
 */
export async function mergeStatement(trx: Db, input: MergeInput): Promise<MergeOutcome> {
  // Lock both rows first, in one order, so two merges touching the same statement run one after the other.
  for (const id of [input.statementId, input.into].sort()) {
    await trx
      .updateTable('statements')
      .set((eb) => ({ merged_into: eb.ref('merged_into') }))
      .where('org_id', '=', input.orgId)
      .where('id', '=', id)
      .execute();
  }
  const duplicate = await getStatement(trx, input.orgId, input.statementId);
  if (!duplicate) throw notFound('statement');
  if (input.into === duplicate.id) throw new DomainError('conflict', 'into: a statement cannot be merged into itself');
  const target = await getStatement(trx, input.orgId, input.into);
  if (!target) throw new DomainError('not_found', 'into: statement not found');
  if (target.issue_id !== duplicate.issue_id) throw new DomainError('conflict', 'into: belongs to another issue; only statements of the same issue are merged');
  if (duplicate.merged_into !== null) throw new DomainError('conflict', `statement: already merged into ${duplicate.merged_into}`);
  if (target.merged_into !== null) throw new DomainError('conflict', `into: merged itself into ${target.merged_into}; merge into that statement`);
  if (target.status === 'rejected') throw new DomainError('conflict', 'into: rejected in moderation, not open for votes');
  const mergedHere = await trx
    .selectFrom('statements')
    .select('id')
    .where('org_id', '=', input.orgId)
    .where('merged_into', '=', duplicate.id)
    .limit(1)
    .executeTakeFirst();
  if (mergedHere) throw new DomainError('conflict', 'statement: other statements were merged into it; merge into it instead');
  const issue = await trx
    .selectFrom('issues')
    .select('status')
    .where('org_id', '=', input.orgId)
    .where('id', '=', duplicate.issue_id)
    .executeTakeFirstOrThrow();
  if (issue.status !== 'open') throw new DomainError('conflict', 'statement: its issue is resolved');

  await trx
    .updateTable('statements')
    .set({ merged_into: target.id, merged_at: input.at, merged_by: input.by })
    .where('org_id', '=', input.orgId)
    .where('id', '=', duplicate.id)
    .execute();

  const [onDuplicate, onTarget] = await Promise.all([
    trx
      .selectFrom('votes')
      .select(['member_id', 'value'])
      .where('org_id', '=', input.orgId)
      .where('statement_id', '=', duplicate.id)
      .orderBy('member_id')
      .execute(),
    trx.selectFrom('votes').select('member_id').where('org_id', '=', input.orgId).where('statement_id', '=', target.id).execute(),
  ]);
  const votedOnTarget = new Set(onTarget.map((v) => v.member_id));
  const toCarry = onDuplicate.filter((v) => !votedOnTarget.has(v.member_id));
  let carried = 0;
  for (let i = 0; i < toCarry.length; i += 200) {
    const chunk = toCarry.slice(i, i + 200);
    // A vote on the target written meanwhile (another connection) wins: it is the member's own.
    const written = await trx
      .insertInto('votes')
      .values(
        chunk.map((v) => ({
          org_id: input.orgId,
          issue_id: target.issue_id,
          statement_id: target.id,
          member_id: v.member_id,
          value: Number(v.value) as VoteValue,
          updated_at: input.at,
        })),
      )
      .onConflict((oc) => oc.columns(['statement_id', 'member_id']).doNothing())
      .returning(['member_id', 'value'])
      .execute();
    if (written.length === 0) continue;
    await trx
      .insertInto('vote_log')
      .values(
        written.map((v) => ({
          org_id: input.orgId,
          issue_id: target.issue_id,
          statement_id: target.id,
          member_id: v.member_id,
          value: Number(v.value) as VoteValue,
          idempotency_key: null,
          cast_at: input.at,
          carried_from: duplicate.id,
        })),
      )
      .execute();
    carried += written.length;
  }
  return {
    duplicate: { ...duplicate, merged_into: target.id, merged_at: input.at, merged_by: input.by },
    target,
    carried,
    kept: onDuplicate.length - carried,
  };
}
