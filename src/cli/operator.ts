/** Bootstrap operations of the instance's operator: organisations and their first organisers. */
import { DomainError, type ModerationPolicy, type Role } from '../core/index.js';
import { events, inTransaction, members, organisations, type Db } from '../store/index.js';
import type { PasswordHasher } from '../server/auth/passwords.js';

export async function createOrganisation(db: Db, input: { name: string; slug: string; moderation: ModerationPolicy; at: string }) {
  return inTransaction(db, async (trx) => {
    if (await organisations.findOrganisationBySlug(trx, input.slug)) throw new DomainError('conflict', `slug: an organisation "${input.slug}" exists already`);
    const org = await organisations.createOrganisation(trx, input);
    await events.recordEvent(trx, { orgId: org.id, type: 'organisation.founded', at: input.at, actorId: null, data: { by: 'operator' } });
    return org;
  });
}

export async function createOrganiser(
  db: Db,
  passwords: PasswordHasher,
  input: { orgSlug: string; email: string; displayName: string; password: string; role: Extract<Role, 'organiser' | 'admin'>; at: string },
) {
  const passwordHash = await passwords.hash(input.password);
  return inTransaction(db, async (trx) => {
    const org = await organisations.findOrganisationBySlug(trx, input.orgSlug);
    if (!org) throw new DomainError('not_found', `org: no organisation "${input.orgSlug}"`);
    if (await members.findMemberByEmail(trx, org.id, input.email)) throw new DomainError('conflict', `email: ${input.email} is a member already`);
    const member = await members.createMember(trx, {
      orgId: org.id,
      displayName: input.displayName,
      role: input.role,
      email: input.email,
      passwordHash,
      at: input.at,
    });
    await events.recordEvent(trx, {
      orgId: org.id,
      type: 'member.created',
      at: input.at,
      actorId: null,
      data: { memberId: member.id, role: input.role, by: 'operator' },
    });
    return { org, member };
  });
}
