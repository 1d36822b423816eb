import type { Db } from '../db.js';
import { newId } from '../ids.js';

/** Every transition of the model is an event with who and when (MODEL.md §2). */
export async function recordEvent(
  db: Db,
  input: { orgId: string; type: string; at: string; actorId: string | null; issueId?: string | null; cycleId?: string | null; data?: unknown },
): Promise<void> {
  await db
    .insertInto('events')
    .values({
      id: newId(),
      org_id: input.orgId,
      issue_id: input.issueId ?? null,
      cycle_id: input.cycleId ?? null,
      type: input.type,
      actor_id: input.actorId,
      at: input.at,
      data: JSON.stringify(input.data ?? {}),
    })
    .execute();
}

export async function listEvents(db: Db, orgId: string, filter: { issueId?: string; limit: number }) {
  let q = db.selectFrom('events').selectAll().where('org_id', '=', orgId);
  if (filter.issueId) q = q.where('issue_id', '=', filter.issueId);
  return q.orderBy('at', 'desc').orderBy('id').limit(filter.limit).execute();
}
