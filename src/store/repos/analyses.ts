import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import { inTransaction } from '../tx.js';
import type { AnalysisTable } from '../schema/index.js';

export type AnalysisRow = AnalysisTable;

/**
 * Store an analysis, unless it covers nothing new: an engine analysis whose vote-log position is
 * not past the newest stored engine analysis's, made from the same basis, is not stored again
 * (that one is returned, with `stored: false`). Callers hold the issue's analysis lock (one
 * analysis of an issue at a time), so the check and the insert see the same newest analysis.
 */
export async function saveAnalysis(
  db: Db,
  input: { orgId: string; issueId: string; cycleId: string; source: string; votesSeq: number; basis?: string | null; result: unknown; at: string },
): Promise<AnalysisRow & { stored: boolean }> {
  return inTransaction(db, async (trx) => {
    if (input.source === 'engine') {
      const newest = await newestOf(trx, input.orgId, input.issueId, 'engine');
      if (newest && coversAsMuch(newest, input.votesSeq, input.basis ?? null)) return { ...newest, stored: false };
    }
    const last = await trx
      .selectFrom('analyses')
      .select((e) => e.fn.max('seq').as('seq'))
      .where('issue_id', '=', input.issueId)
      .executeTakeFirst();
    const row: AnalysisRow = {
      id: newId(),
      org_id: input.orgId,
      issue_id: input.issueId,
      cycle_id: input.cycleId,
      source: input.source,
      votes_seq: input.votesSeq,
      seq: Number(last?.seq ?? 0) + 1,
      basis: input.basis ?? null,
      result: JSON.stringify(input.result),
      created_at: input.at,
    };
    await trx.insertInto('analyses').values(row).execute();
    return { ...row, stored: true };
  });
}

/** Whether a stored analysis already covers an analysis at `votesSeq` made from `basis`. */
export function coversAsMuch(stored: Pick<AnalysisRow, 'votes_seq' | 'basis'>, votesSeq: number, basis: string | null): boolean {
  return Number(stored.votes_seq) >= votesSeq && stored.basis === basis;
}

function newestOf(db: Db, orgId: string, issueId: string, source?: string): Promise<AnalysisRow | undefined> {
  let q = db.selectFrom('analyses').selectAll().where('org_id', '=', orgId).where('issue_id', '=', issueId);
  if (source) q = q.where('source', '=', source);
  return q.orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** The newest analysis of an issue (optionally from one source). */
export function latestAnalysis(db: Db, orgId: string, issueId: string, source?: string): Promise<AnalysisRow | undefined> {
  return newestOf(db, orgId, issueId, source);
}

/** Issues whose newest engine analysis (if any) has not seen their newest vote. */
export async function issuesBehindTheirVotes(db: Db): Promise<{ orgId: string; issueId: string }[]> {
  const heads = await db
    .selectFrom('vote_log')
    .select(['org_id', 'issue_id', (e) => e.fn.max('seq').as('head')])
    .groupBy(['org_id', 'issue_id'])
    .execute();
  const seen = await db
    .selectFrom('analyses')
    .select(['issue_id', (e) => e.fn.max('votes_seq').as('seen')])
    .where('source', '=', 'engine')
    .groupBy('issue_id')
    .execute();
  const seenOf = new Map(seen.map((s) => [s.issue_id, Number(s.seen)]));
  return heads.filter((h) => Number(h.head) > (seenOf.get(h.issue_id) ?? 0)).map((h) => ({ orgId: h.org_id, issueId: h.issue_id }));
}

export async function listAnalysisIds(db: Db, orgId: string, issueId: string): Promise<string[]> {
  const rows = await db.selectFrom('analyses').select('id').where('org_id', '=', orgId).where('issue_id', '=', issueId).execute();
  return rows.map((r) => r.id);
}
