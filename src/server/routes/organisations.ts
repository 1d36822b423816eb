import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, notFound } from '../../core/index.js';
import { events, inTransaction, invites, members, newToken, organisations, sessions, tokenHash } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf, startSession } from '../auth/session.js';
import { presentInvite, presentMember, presentOrganisation } from '../presenters.js';
import { routeOptions } from './route-options.js';

export function organisationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const now = () => ctx.clock().toISOString();

  async function orgOrThrow(orgId: string) {
    const org = await organisations.getOrganisation(db(), orgId);
    if (!org) throw notFound('organisation');
    return org;
  }

  return async (app) => {
    app.route({
      ...routeOptions('organisation'),
      handler: async (req) => {
        const org = await orgOrThrow(req.params.orgId);
        return presentOrganisation(org, await members.countMembers(db(), org.id));
      },
    });

    app.route({
      ...routeOptions('updateOrganisation'),
      handler: async (req) => {
        const auth = authOf(req);
        await inTransaction(db(), async (trx) => {
          const { settings, ...rest } = req.body;
          const current = await organisations.getOrganisation(trx, auth.orgId);
          const merged = settings ? JSON.stringify({ ...(JSON.parse(current?.settings || '{}') as object), ...settings }) : undefined;
          await organisations.updateOrganisation(trx, auth.orgId, { ...rest, ...(merged ? { settings: merged } : {}) });
          await events.recordEvent(trx, { orgId: auth.orgId, type: 'organisation.updated', at: now(), actorId: auth.memberId, data: req.body });
        });
        const org = await orgOrThrow(auth.orgId);
        return presentOrganisation(org, await members.countMembers(db(), org.id));
      },
    });

    app.route({
      ...routeOptions('members'),
      handler: async (req) => {
        const rows = await members.listMembers(db(), req.params.orgId, req.query);
        return { members: rows.map(presentMember), total: await members.countMembers(db(), req.params.orgId) };
      },
    });

    app.route({
      ...routeOptions('updateMember'),
      handler: async (req) => {
        const auth = authOf(req);
        const member = await members.getMember(db(), auth.orgId, req.params.memberId);
        if (!member) throw notFound('member');
        if (member.id === auth.memberId && req.body.role && req.body.role !== 'admin') {
          throw new DomainError('conflict', 'role: an admin cannot lower their own role');
        }
        const patch = {
          ...(req.body.role ? { role: req.body.role } : {}),
          ...(req.body.constituency !== undefined ? { constituency: req.body.constituency } : {}),
        };
        await inTransaction(db(), async (trx) => {
          await members.updateMember(trx, auth.orgId, member.id, patch);
          // A change of role is not a lock-out (a member who joined through an invite has no password):
          // the member's next request ends the session issued for the old role and starts a new one (auth/session.ts).
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            type: 'member.updated',
            at: now(),
            actorId: auth.memberId,
            data: { memberId: member.id, ...patch },
          });
        });
        return presentMember({ ...member, ...patch });
      },
    });

    app.route({
      ...routeOptions('createInvite'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        if (req.body.role !== 'member' && auth.role !== 'admin') throw new DomainError('forbidden', 'role: only an admin may invite organisers or admins');
        const token = newToken();
        const at = ctx.clock();
        const invite = await inTransaction(db(), async (trx) => {
          const row = await invites.createInvite(trx, {
            orgId: auth.orgId,
            tokenHash: tokenHash(token),
            role: req.body.role,
            constituency: req.body.constituency,
            maxUses: req.body.maxUses,
            expiresAt: new Date(at.getTime() + req.body.expiresInHours * 3_600_000).toISOString(),
            createdBy: auth.memberId,
            at: at.toISOString(),
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            type: 'invite.created',
            at: at.toISOString(),
            actorId: auth.memberId,
            data: { inviteId: row.id, role: row.role, maxUses: row.max_uses },
          });
          return row;
        });
        return reply.code(201).send({ ...presentInvite(invite, at.toISOString()), token, path: `/join/${token}` });
      },
    });

    app.route({
      ...routeOptions('invites'),
      handler: async (req) => {
        const at = now();
        return { invites: (await invites.listInvites(db(), req.params.orgId)).map((i) => presentInvite(i, at)) };
      },
    });

    app.route({
      ...routeOptions('revokeInvite'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const invite = await invites.getInvite(db(), auth.orgId, req.params.inviteId);
        if (!invite) throw notFound('invite');
        await inTransaction(db(), async (trx) => {
          await invites.revokeInvite(trx, auth.orgId, invite.id, now());
          await events.recordEvent(trx, { orgId: auth.orgId, type: 'invite.revoked', at: now(), actorId: auth.memberId, data: { inviteId: invite.id } });
        });
        return reply.code(204).send(null);
      },
    });

    app.route({
      ...routeOptions('invitePreview'),
      handler: async (req) => {
        const invite = await invites.findInviteByTokenHash(db(), tokenHash(req.params.token));
        if (!invite) throw notFound('invite');
        const org = await orgOrThrow(invite.org_id);
        return { organisation: { name: org.name, slug: org.slug }, role: invite.role, usable: invites.inviteUsable(invite, now()) };
      },
    });

    app.route({
      ...routeOptions('acceptInvite'),
      handler: async (req, reply) => {
        const at = now();
        const result = await inTransaction(db(), async (trx) => {
          const invite = await invites.findInviteByTokenHash(trx, tokenHash(req.params.token));
          if (!invite) throw notFound('invite');
          if (!(await invites.takeInviteUse(trx, invite.id, at))) throw new DomainError('invite_invalid', 'invite: expired, revoked or used up');
          const member = await members.createMember(trx, {
            orgId: invite.org_id,
            displayName: req.body.displayName,
            role: invite.role,
            constituency: req.body.constituency ?? invite.constituency,
            inviteId: invite.id,
            at,
          });
          await events.recordEvent(trx, {
            orgId: invite.org_id,
            type: 'member.joined',
            at,
            actorId: member.id,
            data: { inviteId: invite.id, role: member.role, constituency: member.constituency },
          });
          if (req.auth) await sessions.deleteSession(trx, req.auth.sessionId);
          await startSession(ctx, trx, reply, member);
          const org = await organisations.getOrganisation(trx, invite.org_id);
          if (!org) throw notFound('organisation');
          return { member, org };
        });
        return reply.code(201).send({
          member: { id: result.member.id, displayName: result.member.display_name, role: result.member.role, constituency: result.member.constituency },
          organisation: { id: result.org.id, slug: result.org.slug, name: result.org.name },
        });
      },
    });
  };
}
