import type { Db } from '../db.js';
import { newId } from '../ids.js';
import type { AnalysisTable } from '../schema/index.js';

export type AnalysisRow = AnalysisTable;

export async function saveAnalysis(
  db: Db,
  input: { orgId: string; issueId: string; cycleId: string; source: string; votesSeq: number; result: unknown; at: string },
): Promise<AnalysisRow> {
  const row: AnalysisRow = {
    id: newId(),
    org_id: input.orgId,
    issue_id: input.issueId,
    cycle_id: input.cycleId,
    source: input.source,
    votes_seq: input.votesSeq,
    result: JSON.stringify(input.result),
    created_at: input.at,
  };
  await db.insertInto('analyses').values(row).execute();
  return row;
}

/** The newest analysis of an issue (optionally from one source). */
export async function latestAnalysis(db: Db, orgId: string, issueId: string, source?: string): Promise<AnalysisRow | undefined> {
  let q = db.selectFrom('analyses').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId);
  if (source) q = q.where('source', '=', source);
  return q.orderBy('created_at', 'desc').orderBy('votes_seq', 'desc').limit(1).executeTakeFirst();
}
