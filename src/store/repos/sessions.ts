import type { Db } from '../db-type.js';
import { prepared } from '../prepared.js';
import type { SessionTable } from '../schema/index.js';

export type SessionRow = SessionTable;

export async function createSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** Run on every request, so compiled once; read from the database each time (never cached), so an ended session is refused at once. */
const liveSession = prepared((db: Db, sessionId: string, at: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('members', 'members.id', 'sessions.member_id')
    .select([
      'sessions.id as session_id',
      'sessions.org_id',
      'sessions.expires_at',
      'members.id as member_id',
      'members.role',
      'members.display_name',
      'sessions.role as issued_role',
      'sessions.created_at',
      'sessions.seen_at',
    ])
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', at),
);

/**
 * The live session with this id (the token's hash), with its member, or undefined. `issued_role`
 * and the times are the session's own (src/server/auth/session.ts renews a session whose member's
 * role changed and ends an idle one).
 */
export async function findLiveSession(db: Db, sessionId: string, at: string) {
  return (await liveSession(db, sessionId, at)).rows[0];
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** End every session of a member (privilege change). */
export async function deleteMemberSessions(db: Db, orgId: string, memberId: string): Promise<void> {
  await db.deleteFrom('sessions').where('org_id', '=', orgId).where('member_id', '=', memberId).execute();
}

/** End one session; whether it was still there (two requests renewing one session: only one may). */
export async function endSession(db: Db, sessionId: string): Promise<boolean> {
  const r = await db.deleteFrom('sessions').where('id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Record that a session was seen (the caller does so at most once an hour). */
export async function touchSession(db: Db, sessionId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ seen_at: at }).where('id', '=', sessionId).execute();
}
