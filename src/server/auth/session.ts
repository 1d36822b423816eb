import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../core/index.js';
import { DomainError, roleAtLeast } from '../../core/index.js';
import { newToken, sessions, tokenHash, type Db } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { policyOf, type RoutePolicy } from '../policies.js';

export const SESSION_COOKIE = 'massline_session';

export interface Auth {
  sessionId: string;
  orgId: string;
  memberId: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    /** Set from the policy table when the route registers. */
    policy?: RoutePolicy;
  }
}

/** Start a session for a member: a fresh random token in an HttpOnly cookie, its hash in the store. */
export async function startSession(ctx: AppContext, db: Db, reply: FastifyReply, member: { id: string; org_id: string }): Promise<void> {
  const token = newToken();
  const now = ctx.clock();
  await sessions.createSession(db, {
    id: tokenHash(token),
    org_id: member.org_id,
    member_id: member.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.sessionDays * 86_400_000).toISOString(),
  });
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    path: '/',
    maxAge: ctx.config.sessionDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Resolve the session on every request, then apply the route's policy: no session → 401;
 * a path naming another organisation → 404 (its ids are not ours to confirm); too low a role → 403.
 */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const policy = policyOf(method, route.url);
      if (!policy) throw new Error(`route ${method} ${route.url} has no row in the policy table (src/server/policies.ts)`);
      route.config = { ...(route.config as object), policy };
    }
  });
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.policy?.who === 'anonymous') return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = await sessions.findLiveSession(ctx.store.db, tokenHash(token), ctx.clock().toISOString());
    if (found) req.auth = { sessionId: found.session_id, orgId: found.org_id, memberId: found.member_id, role: found.role };
  });
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const policy = req.routeOptions.config.policy?.who ?? 'admin';
    if (policy === 'public' || policy === 'anonymous') return;
    const auth = req.auth;
    if (!auth) throw new DomainError('unauthenticated', 'session: log in or join through an invite first');
    const orgId = (req.params as { orgId?: string } | undefined)?.orgId;
    if (orgId !== undefined && orgId !== auth.orgId) throw new DomainError('not_found', 'organisation not found');
    if (!roleAtLeast(auth.role, policy)) throw new DomainError('forbidden', `role: this needs ${policy} rights`);
  });
}

/** The session of a request whose policy already required one. */
export function authOf(req: FastifyRequest): Auth {
  if (!req.auth) throw new DomainError('unauthenticated', 'session: log in first');
  return req.auth;
}
