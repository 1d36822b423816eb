import type { ModerationPolicy } from '../../core/index.js';
import type { Db } from '../db-type.js';
import { newId } from '../ids.js';
import type { OrganisationTable } from '../schema/index.js';

export type OrganisationRow = OrganisationTable;

export async function createOrganisation(db: Db, input: { slug: string; name: string; moderation?: ModerationPolicy; at: string }): Promise<OrganisationRow> {
  const row: OrganisationRow = {
    id: newId(),
    slug: input.slug,
    name: input.name,
    moderation: input.moderation ?? 'strict',
    settings: '{}',
    created_at: input.at,
  };
  await db.insertInto('organisations').values(row).execute();
  return row;
}

export async function getOrganisation(db: Db, orgId: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
}

export async function findOrganisationBySlug(db: Db, slug: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function listOrganisations(db: Db): Promise<OrganisationRow[]> {
  return db.selectFrom('organisations').selectAll().orderBy('created_at').execute();
}

export async function updateOrganisation(db: Db, orgId: string, patch: Partial<Pick<OrganisationRow, 'name' | 'moderation' | 'settings'>>): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.updateTable('organisations').set(patch).where('id', '=', orgId).execute();
}
