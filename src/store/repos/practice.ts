/** Endorsements, actions, reports, and the marks behind the principal contradiction. */
import type { EndorsementKind, Verdict } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import { inTransaction } from '../tx.js';
import { recordEvent } from './events.js';
import type { ActionTable, EndorsementTable, ReportTable } from '../schema/index.js';

export type EndorsementRow = EndorsementTable;
export type ActionRow = ActionTable;
export type ReportRow = ReportTable;

/** A member's answer to a version: one per member and version; a new answer replaces the old. */
export async function endorse(
  db: Db,
  input: { orgId: string; lineVersionId: string; memberId: string; kind: EndorsementKind; text: string | null; at: string },
): Promise<EndorsementRow> {
  const row: EndorsementRow = {
    id: newId(),
    org_id: input.orgId,
    line_version_id: input.lineVersionId,
    member_id: input.memberId,
    kind: input.kind,
    text: input.text,
    created_at: input.at,
  };
  const stored = await db
    .insertInto('endorsements')
    .values(row)
    .onConflict((oc) => oc.columns(['line_version_id', 'member_id']).doUpdateSet({ kind: input.kind, text: input.text, created_at: input.at }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return stored;
}

export async function listEndorsements(db: Db, orgId: string, filter: { lineVersionId?: string }): Promise<EndorsementRow[]> {
  let q = db.selectFrom('endorsements').selectAll().where('org_id', '=', orgId);
  if (filter.lineVersionId) q = q.where('line_version_id', '=', filter.lineVersionId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function createAction(db: Db, input: Omit<ActionRow, 'id'>): Promise<ActionRow> {
  const row: ActionRow = { id: newId(), ...input };
  await db.insertInto('actions').values(row).execute();
  return row;
}

export async function getAction(db: Db, orgId: string, actionId: string): Promise<ActionRow | undefined> {
  return db.selectFrom('actions').selectAll().where('org_id', '=', orgId).where('id', '=', actionId).executeTakeFirst();
}

export async function listActions(db: Db, orgId: string, issueId: string): Promise<ActionRow[]> {
  return db.selectFrom('actions').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId).orderBy('created_at').execute();
}

export async function fileReport(
  db: Db,
  input: {
    orgId: string;
    issueId: string;
    cycleId: string;
    actionId: string | null;
    memberId: string;
    claimId: string | null;
    verdict: Verdict | null;
    whatDone: string;
    whatHappened: string;
    at: string;
  },
): Promise<ReportRow> {
  const row: ReportRow = {
    id: newId(),
    org_id: input.orgId,
    issue_id: input.issueId,
    cycle_id: input.cycleId,
    action_id: input.actionId,
    member_id: input.memberId,
    claim_id: input.claimId,
    verdict: input.verdict,
    what_done: input.whatDone,
    what_happened: input.whatHappened,
    created_at: input.at,
  };
  await db.insertInto('reports').values(row).execute();
  return row;
}

export async function listReports(db: Db, orgId: string, filter: { issueId?: string; cycleId?: string }): Promise<ReportRow[]> {
  let q = db.selectFrom('reports').selectAll().where('org_id', '=', orgId);
  if (filter.issueId) q = q.where('issue_id', '=', filter.issueId);
  if (filter.cycleId) q = q.where('cycle_id', '=', filter.cycleId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function markBlock(db: Db, input: { orgId: string; blockerId: string; blockedId: string; by: string | null; at: string }): Promise<void> {
  await db
    .insertInto('issue_blocks')
    .values({ org_id: input.orgId, blocker_id: input.blockerId, blocked_id: input.blockedId, created_by: input.by, created_at: input.at })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .execute();
}

export async function unmarkBlock(db: Db, orgId: string, blockerId: string, blockedId: string): Promise<void> {
  await db.deleteFrom('issue_blocks').where('org_id', '=', orgId).where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute();
}

export async function listBlocks(db: Db, orgId: string) {
  return db.selectFrom('issue_blocks').selectAll().where('org_id', '=', orgId).execute();
}

export async function markImportant(db: Db, input: { orgId: string; issueId: string; memberId: string; at: string }): Promise<void> {
  await db
    .insertInto('issue_importance')
    .values({ org_id: input.orgId, issue_id: input.issueId, member_id: input.memberId, marked_at: input.at })
    .onConflict((oc) => oc.columns(['issue_id', 'member_id']).doNothing())
    .execute();
}

export async function unmarkImportant(db: Db, orgId: string, issueId: string, memberId: string): Promise<void> {
  await db.deleteFrom('issue_importance').where('org_id', '=', orgId).where('issue_id', '=', issueId).where('member_id', '=', memberId).execute();
}

export async function listImportance(db: Db, orgId: string) {
  return db.selectFrom('issue_importance').selectAll().where('org_id', '=', orgId).execute();
}

/**
 * Take part in an action (once per member); false when the member already did. Taking part is
 * an act of the member on the action's issue (MODEL.md §3), recorded as an 'action.joined' event.
 */
export async function joinAction(db: Db, input: { orgId: string; actionId: string; memberId: string; at: string }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const action = await trx
      .selectFrom('actions')
      .select(['issue_id', 'cycle_id'])
      .where('org_id', '=', input.orgId)
      .where('id', '=', input.actionId)
      .executeTakeFirst();
    if (!action) return false;
    const r = await trx
      .insertInto('action_participants')
      .values({ org_id: input.orgId, action_id: input.actionId, member_id: input.memberId, joined_at: input.at })
      .onConflict((oc) => oc.columns(['action_id', 'member_id']).doNothing())
      .executeTakeFirst();
    const joined = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    if (joined) {
      await recordEvent(trx, {
        orgId: input.orgId,
        issueId: action.issue_id,
        cycleId: action.cycle_id,
        type: 'action.joined',
        at: input.at,
        actorId: input.memberId,
        data: { actionId: input.actionId },
      });
    }
    return joined;
  });
}

/**
 * No longer take part in an action: the act is withdrawn with it (an 'action.left' event), so
 * the facts count the actions a member takes part in, read from the table or the events alike.
 */
export async function leaveAction(db: Db, input: { orgId: string; actionId: string; memberId: string; at: string }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const left = await trx
      .deleteFrom('action_participants')
      .where('org_id', '=', input.orgId)
      .where('action_id', '=', input.actionId)
      .where('member_id', '=', input.memberId)
      .returning('action_id')
      .execute();
    if (left.length === 0) return false;
    const action = await trx
      .selectFrom('actions')
      .select(['issue_id', 'cycle_id'])
      .where('org_id', '=', input.orgId)
      .where('id', '=', input.actionId)
      .executeTakeFirstOrThrow();
    await recordEvent(trx, {
      orgId: input.orgId,
      issueId: action.issue_id,
      cycleId: action.cycle_id,
      type: 'action.left',
      at: input.at,
      actorId: input.memberId,
      data: { actionId: input.actionId },
    });
    return true;
  });
}

/** Per action of an issue: how many members take part, and whether this member does. */
export async function participationOf(
  db: Db,
  orgId: string,
  issueId: string,
  memberId: string,
): Promise<Map<string, { participants: number; joinedByMe: boolean }>> {
  const rows = await db
    .selectFrom('action_participants')
    .innerJoin('actions', 'actions.id', 'action_participants.action_id')
    .select(['action_participants.action_id', 'action_participants.member_id'])
    .where('action_participants.org_id', '=', orgId)
    .where('actions.issue_id', '=', issueId)
    .execute();
  const out = new Map<string, { participants: number; joinedByMe: boolean }>();
  for (const r of rows) {
    const p = out.get(r.action_id) ?? { participants: 0, joinedByMe: false };
    p.participants += 1;
    if (r.member_id === memberId) p.joinedByMe = true;
    out.set(r.action_id, p);
  }
  return out;
}
