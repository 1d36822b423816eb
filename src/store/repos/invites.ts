import type { Role } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { InviteTable } from '../schema/index.js';

export type InviteRow = InviteTable;

export async function createInvite(
  db: Db,
  input: {
    orgId: string;
    tokenHash: string;
    role: Role;
    constituency: string | null;
    maxUses: number;
    expiresAt: string;
    createdBy: string | null;
    at: string;
  },
): Promise<InviteRow> {
  const row: InviteRow = {
    id: newId(),
    org_id: input.orgId,
    token_hash: input.tokenHash,
    role: input.role,
    constituency: input.constituency,
    max_uses: input.maxUses,
    uses: 0,
    expires_at: input.expiresAt,
    revoked_at: null,
    created_by: input.createdBy,
    created_at: input.at,
  };
  await db.insertInto('invites').values(row).execute();
  return row;
}

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Whether an invite can still be used at `at`. */
export function inviteUsable(invite: InviteRow, at: string): boolean {
  return invite.revoked_at === null && invite.uses < invite.max_uses && invite.expires_at > at;
}

/**
 * Take one use of the invite, atomically: succeeds only while it is unrevoked, unexpired and
 * has uses left, so two members racing for the last use cannot both get in.
 */
export async function takeInviteUse(db: Db, inviteId: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('invites')
    .set((e) => ({ uses: e('uses', '+', 1) }))
    .where('id', '=', inviteId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .whereRef('uses', '<', 'max_uses')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listInvites(db: Db, orgId: string): Promise<InviteRow[]> {
  return db.selectFrom('invites').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').execute();
}

export async function getInvite(db: Db, orgId: string, inviteId: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('org_id', '=', orgId).where('id', '=', inviteId).executeTakeFirst();
}

export async function revokeInvite(db: Db, orgId: string, inviteId: string, at: string): Promise<void> {
  await db.updateTable('invites').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', inviteId).where('revoked_at', 'is', null).execute();
}
