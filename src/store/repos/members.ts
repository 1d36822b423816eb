import type { Role } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { MemberTable } from '../schema/index.js';

export type MemberRow = MemberTable;

export interface NewMember {
  orgId: string;
  displayName: string;
  role: Role;
  at: string;
  email?: string | null;
  passwordHash?: string | null;
  constituency?: string | null;
  externalRef?: string | null;
  inviteId?: string | null;
}

export function memberRow(input: NewMember): MemberRow {
  return {
    id: newId(),
    org_id: input.orgId,
    display_name: input.displayName,
    email: input.email ?? null,
    password_hash: input.passwordHash ?? null,
    role: input.role,
    constituency: input.constituency ?? null,
    external_ref: input.externalRef ?? null,
    invite_id: input.inviteId ?? null,
    joined_at: input.at,
  };
}

export async function createMember(db: Db, input: NewMember): Promise<MemberRow> {
  const row = memberRow(input);
  await db.insertInto('members').values(row).execute();
  return row;
}

/** Insert many members at once (imports), in chunks the drivers accept. */
export async function insertMembers(db: Db, rows: MemberRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('members')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function getMember(db: Db, orgId: string, memberId: string): Promise<MemberRow | undefined> {
  return db.selectFrom('members').selectAll().where('org_id', '=', orgId).where('id', '=', memberId).executeTakeFirst();
}

export async function findMemberByEmail(db: Db, orgId: string, email: string): Promise<MemberRow | undefined> {
  return db.selectFrom('members').selectAll().where('org_id', '=', orgId).where('email', '=', email).executeTakeFirst();
}

export async function listMembers(db: Db, orgId: string, page: { limit: number; offset: number }): Promise<MemberRow[]> {
  return db.selectFrom('members').selectAll().where('org_id', '=', orgId).orderBy('joined_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countMembers(db: Db, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('members')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateMember(
  db: Db,
  orgId: string,
  memberId: string,
  patch: Partial<Pick<MemberRow, 'role' | 'constituency' | 'display_name'>>,
): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.updateTable('members').set(patch).where('org_id', '=', orgId).where('id', '=', memberId).execute();
}

export async function membersByIds(db: Db, orgId: string, ids: string[]): Promise<MemberRow[]> {
  const out: MemberRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length) out.push(...(await db.selectFrom('members').selectAll().where('org_id', '=', orgId).where('id', 'in', chunk).execute()));
  }
  return out;
}
