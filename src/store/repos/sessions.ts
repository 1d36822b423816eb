import type { Db } from '../db.js';
import type { SessionTable } from '../schema/index.js';

export type SessionRow = SessionTable;

export async function createSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The live session with this id (the token's hash), with its member, or undefined. */
export async function findLiveSession(db: Db, sessionId: string, at: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('members', 'members.id', 'sessions.member_id')
    .select(['sessions.id as session_id', 'sessions.org_id', 'sessions.expires_at', 'members.id as member_id', 'members.role', 'members.display_name'])
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', at)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** End every session of a member (privilege change). */
export async function deleteMemberSessions(db: Db, orgId: string, memberId: string): Promise<void> {
  await db.deleteFrom('sessions').where('org_id', '=', orgId).where('member_id', '=', memberId).execute();
}
