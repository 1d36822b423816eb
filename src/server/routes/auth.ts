import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError } from '../../core/index.js';
import { events, inTransaction, members, newToken, organisations, sessions } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf, clearSessionCookie, startSession } from '../auth/session.js';
import { routeOptions } from './route-options.js';

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  // A hash of a random secret, made on first need: a login for an unknown e-mail costs the same as a real one.
  let dummy: Promise<string> | null = null;
  const dummyHash = () => (dummy ??= ctx.passwords.hash(newToken()));
  return async (app) => {
    app.route({
      ...routeOptions('signup'),
      handler: async (req, reply) => {
        const b = req.body;
        const passwordHash = await ctx.passwords.hash(b.password);
        const at = ctx.clock().toISOString();
        const result = await inTransaction(ctx.store.db, async (trx) => {
          if (await organisations.findOrganisationBySlug(trx, b.organisation.slug)) {
            throw new DomainError('conflict', 'organisation.slug: already taken');
          }
          const org = await organisations.createOrganisation(trx, { slug: b.organisation.slug, name: b.organisation.name, at });
          const member = await members.createMember(trx, { orgId: org.id, displayName: b.displayName, role: 'admin', email: b.email, passwordHash, at });
          await events.recordEvent(trx, { orgId: org.id, type: 'organisation.founded', at, actorId: member.id });
          await events.recordEvent(trx, { orgId: org.id, type: 'member.joined', at, actorId: member.id, data: { role: 'admin', constituency: null } });
          // A new session for the new admin; one presented alongside is ended.
          if (req.auth) await sessions.deleteSession(trx, req.auth.sessionId);
          await startSession(ctx, trx, reply, member);
          return { org, member };
        });
        return reply.code(201).send(meOf(result.member, result.org));
      },
    });

    app.route({
      ...routeOptions('login'),
      handler: async (req, reply) => {
        const org = await organisations.findOrganisationBySlug(ctx.store.db, req.body.organisation);
        const member = org ? await members.findMemberByEmail(ctx.store.db, org.id, req.body.email) : undefined;
        // Verify against a hash even when there is no such member, so timing does not tell which.
        const hash = member?.password_hash ?? (await dummyHash());
        const ok = await ctx.passwords.verify(hash, req.body.password);
        if (!org || !member || !member.password_hash || !ok) throw new DomainError('unauthenticated', 'login: organisation, e-mail or password is wrong');
        // A new session on every login; an old cookie presented alongside is ended.
        if (req.auth) await sessions.deleteSession(ctx.store.db, req.auth.sessionId);
        await startSession(ctx, ctx.store.db, reply, member);
        return meOf(member, org);
      },
    });

    app.route({
      ...routeOptions('logout'),
      handler: async (req, reply) => {
        if (req.auth) await sessions.deleteSession(ctx.store.db, req.auth.sessionId);
        clearSessionCookie(reply);
        return reply.code(204).send(null);
      },
    });

    app.route({
      ...routeOptions('me'),
      handler: async (req) => {
        const auth = authOf(req);
        const member = await members.getMember(ctx.store.db, auth.orgId, auth.memberId);
        const org = await organisations.getOrganisation(ctx.store.db, auth.orgId);
        if (!member || !org) throw new DomainError('unauthenticated', 'session: its member no longer exists');
        return meOf(member, org);
      },
    });
  };
}

function meOf(member: members.MemberRow, org: organisations.OrganisationRow) {
  return {
    member: { id: member.id, displayName: member.display_name, role: member.role, constituency: member.constituency },
    organisation: { id: org.id, slug: org.slug, name: org.name },
  };
}
