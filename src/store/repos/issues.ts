import type { Phase } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { CycleTable, IssueTable } from '../schema/index.js';

export type IssueRow = IssueTable;
export type CycleRow = CycleTable;

/** Create an issue with its first cycle, in gather. */
export async function createIssue(
  db: Db,
  input: {
    orgId: string;
    title: string;
    description: string;
    createdBy: string | null;
    at: string;
    externalRef?: string | null;
    predecessorId?: string | null;
  },
): Promise<{ issue: IssueRow; cycle: CycleRow }> {
  const issue: IssueRow = {
    id: newId(),
    org_id: input.orgId,
    title: input.title,
    description: input.description,
    status: 'open',
    predecessor_id: input.predecessorId ?? null,
    external_ref: input.externalRef ?? null,
    created_by: input.createdBy,
    created_at: input.at,
    resolved_at: null,
  };
  await db.insertInto('issues').values(issue).execute();
  const cycle = await startCycle(db, { orgId: input.orgId, issueId: issue.id, number: 1, at: input.at });
  return { issue, cycle };
}

export async function startCycle(db: Db, input: { orgId: string; issueId: string; number: number; at: string }): Promise<CycleRow> {
  const cycle: CycleRow = {
    id: newId(),
    org_id: input.orgId,
    issue_id: input.issueId,
    number: input.number,
    phase: 'gather',
    started_at: input.at,
    ended_at: null,
    below_target: 0,
  };
  await db.insertInto('cycles').values(cycle).execute();
  return cycle;
}

export async function getIssue(db: Db, orgId: string, issueId: string): Promise<IssueRow | undefined> {
  return db.selectFrom('issues').selectAll().where('org_id', '=', orgId).where('id', '=', issueId).executeTakeFirst();
}

export async function listIssues(db: Db, orgId: string): Promise<IssueRow[]> {
  return db.selectFrom('issues').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** The issue's current (newest) cycle. Every issue has one from its creation. */
export async function currentCycle(db: Db, orgId: string, issueId: string): Promise<CycleRow> {
  return db
    .selectFrom('cycles')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

export async function currentCycles(db: Db, orgId: string): Promise<CycleRow[]> {
  const rows = await db.selectFrom('cycles').selectAll().where('org_id', '=', orgId).orderBy('number', 'desc').execute();
  const seen = new Set<string>();
  return rows.filter((c) => (seen.has(c.issue_id) ? false : (seen.add(c.issue_id), true)));
}

/** Move a cycle to `phase`, only if it is still in `from` (so two organisers cannot both advance it). */
export async function setCyclePhase(db: Db, cycleId: string, from: Phase, phase: Phase): Promise<boolean> {
  const r = await db.updateTable('cycles').set({ phase }).where('id', '=', cycleId).where('phase', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function endCycle(db: Db, cycleId: string, at: string): Promise<boolean> {
  const r = await db.updateTable('cycles').set({ ended_at: at }).where('id', '=', cycleId).where('ended_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An issue by id across organisations: for the operator's command line only, never for HTTP. */
export async function findIssueForOperator(db: Db, issueId: string): Promise<IssueRow | undefined> {
  return db.selectFrom('issues').selectAll().where('id', '=', issueId).executeTakeFirst();
}

export async function listCycles(db: Db, orgId: string, issueId: string): Promise<CycleRow[]> {
  return db.selectFrom('cycles').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId).orderBy('number').execute();
}

/** Record that propagation moved on below the embrace target. */
export async function markBelowTarget(db: Db, cycleId: string): Promise<void> {
  await db.updateTable('cycles').set({ below_target: 1 }).where('id', '=', cycleId).execute();
}

export async function resolveIssue(db: Db, orgId: string, issueId: string, at: string): Promise<void> {
  await db.updateTable('issues').set({ status: 'resolved', resolved_at: at }).where('org_id', '=', orgId).where('id', '=', issueId).execute();
}
