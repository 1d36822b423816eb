import type { Db } from '../db-type.js';
import { newId } from '../ids.js';

export interface NewEvent {
  orgId: string;
  type: string;
  at: string;
  actorId: string | null;
  issueId?: string | null;
  cycleId?: string | null;
  data?: unknown;
}

const rowOf = (e: NewEvent) => ({
  id: newId(),
  org_id: e.orgId,
  issue_id: e.issueId ?? null,
  cycle_id: e.cycleId ?? null,
  type: e.type,
  actor_id: e.actorId,
  at: e.at,
  data: JSON.stringify(e.data ?? {}),
});

/** Every transition of the model is an event with who and when (MODEL.md §2). */
export async function recordEvent(db: Db, input: NewEvent): Promise<void> {
  await db.insertInto('events').values(rowOf(input)).execute();
}

/** Many events at once (imports). */
export async function recordEvents(db: Db, input: NewEvent[]): Promise<void> {
  for (let i = 0; i < input.length; i += 500)
    await db
      .insertInto('events')
      .values(input.slice(i, i + 500).map(rowOf))
      .execute();
}

export async function listEvents(db: Db, orgId: string, filter: { issueId?: string; limit: number }) {
  let q = db.selectFrom('events').selectAll().where('org_id', '=', orgId);
  if (filter.issueId) q = q.where('issue_id', '=', filter.issueId);
  return q.orderBy('at', 'desc').orderBy('id').limit(filter.limit).execute();
}
