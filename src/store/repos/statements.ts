import type { StatementOrigin, StatementStatus } from '../../core/index.js';
import type { Db } from '../db.js';
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
  };
}

export async function insertStatements(db: Db, rows: StatementRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('statements').values(rows.slice(i, i + 200)).execute();
}

export async function getStatement(db: Db, orgId: string, statementId: string): Promise<StatementRow | undefined> {
  return db.selectFrom('statements').selectAll().where('org_id', '=', orgId).where('id', '=', statementId).executeTakeFirst();
}

export async function listStatements(db: Db, orgId: string, issueId: string, statuses?: readonly StatementStatus[]): Promise<StatementRow[]> {
  let q = db.selectFrom('statements').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId);
  if (statuses) q = q.where('status', 'in', statuses);
  return q.orderBy('created_at').orderBy('id').execute();
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
  const out = new Map<string, VoteCounts>();
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

/** Statements of the issue in `statuses` that the member has not voted on. */
export async function unseenStatements(db: Db, orgId: string, issueId: string, memberId: string, statuses: readonly StatementStatus[]): Promise<StatementRow[]> {
  return db
    .selectFrom('statements')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .where('status', 'in', statuses)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('votes').select('votes.statement_id').whereRef('votes.statement_id', '=', 'statements.id').where('votes.member_id', '=', memberId))),
    )
    .execute();
}

export async function moderateStatement(db: Db, orgId: string, statementId: string, status: StatementStatus, by: string, at: string): Promise<void> {
  await db.updateTable('statements').set({ status, moderated_by: by, moderated_at: at }).where('org_id', '=', orgId).where('id', '=', statementId).execute();
}

export async function statementTexts(db: Db, orgId: string, ids: string[]): Promise<{ id: string; text: string }[]> {
  const out: { id: string; text: string }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length) out.push(...(await db.selectFrom('statements').select(['id', 'text']).where('org_id', '=', orgId).where('id', 'in', chunk).execute()));
  }
  return out;
}
