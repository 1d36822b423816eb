/** What an issue's themes are computed from, read lightly so a cache can tell when they must be computed again. */
import type { Db } from '../db-type.js';

/** The newest analysis of an issue, engine first, without its (large) result. */
export async function latestAnalysisHead(db: Db, orgId: string, issueId: string): Promise<{ id: string; createdAt: string } | undefined> {
  for (const source of ['engine', 'import']) {
    const r = await db
      .selectFrom('analyses')
      .select(['id', 'created_at'])
      .where('org_id', '=', orgId)
      .where('issue_id', '=', issueId)
      .where('source', '=', source)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (r) return { id: r.id, createdAt: r.created_at };
  }
  return undefined;
}

/** How many reports an issue has and the newest one's time: reports are never edited or deleted on their own. */
export async function reportsFingerprint(db: Db, orgId: string, issueId: string): Promise<{ count: number; newest: string | null }> {
  const r = await db
    .selectFrom('reports')
    .select((e) => [e.fn.countAll<number>().as('count'), e.fn.max('created_at').as('newest')])
    .where('org_id', '=', orgId)
    .where('issue_id', '=', issueId)
    .executeTakeFirstOrThrow();
  return { count: Number(r.count), newest: r.newest ?? null };
}

/** One analysis with its result. */
export async function analysisById(db: Db, orgId: string, analysisId: string): Promise<{ id: string; createdAt: string; result: string } | undefined> {
  const r = await db.selectFrom('analyses').select(['id', 'created_at', 'result']).where('org_id', '=', orgId).where('id', '=', analysisId).executeTakeFirst();
  return r ? { id: r.id, createdAt: r.created_at, result: r.result } : undefined;
}
