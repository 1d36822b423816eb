import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../core/index.js';
import { DomainError, roleAtLeast } from '../../core/index.js';
import { hasRowSecurity, inTransaction, narrowToOrganisation, newToken, sessions, tokenHash, withOrganisationScope, type Db } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { policyOf, type RoutePolicy } from '../policies.js';
import { CSRF_COOKIE, checkCsrfToken, checkOrigin, clearCsrfCookie, csrfTokenOf, isWrite, setCsrfCookie } from './csrf.js';

export const SESSION_COOKIE = 'massline_session';

/** A session's last-seen time is written at most this often (no write per request). */
const TOUCH_EVERY_MS = 3_600_000;

/** Sessions whose CSRF value is kept computed (each server: one HMAC per session, not per request). */
const CSRF_VALUES_KEPT = 10_000;

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

/**
 * Start a session for a member: a fresh random token in an HttpOnly cookie, its hash in the
 * store with the role it is issued for, and the readable CSRF cookie derived from it.
 */
export async function startSession(ctx: AppContext, db: Db, reply: FastifyReply, member: { id: string; org_id: string; role: Role }): Promise<string> {
  const token = newToken();
  const now = ctx.clock();
  const id = tokenHash(token);
  await sessions.createSession(db, {
    id,
    org_id: member.org_id,
    member_id: member.id,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.config.sessionDays * 86_400_000).toISOString(),
    role: member.role,
    seen_at: now.toISOString(),
  });
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    path: '/',
    maxAge: ctx.config.sessionDays * 86_400,
  });
  setCsrfCookie(reply, ctx.config, token);
  return id;
}

/** Both cookies of a session, gone from the browser (logout). */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  clearCsrfCookie(reply);
}

/**
 * On every request: a write from another origin is refused; then (except on 'anonymous' routes,
 * which read no cookie) the session is resolved from its cookie, a write presenting it must carry
 * its CSRF value, and a session issued for another role than the member's current one is ended
 * and replaced on this response, so no session id spans a change of privilege. Then the route's
 * policy: no session → 401; a path naming another organisation → 404 (its ids are not ours to
 * confirm); too low a role → 403.
 */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  // The CSRF value is a pure function of the token (csrfTokenOf), kept by the session's id (the
  // token's hash) so that no token is held: an HMAC on every request was about 5 % of the main
  // thread's busy time in the vote bench. A session's first request still computes it.
  const csrfBySession = new Map<string, string>();
  const csrfOf = (sessionId: string, token: string) => {
    let csrf = csrfBySession.get(sessionId);
    if (csrf === undefined) {
      csrf = csrfTokenOf(token);
      if (csrfBySession.size >= CSRF_VALUES_KEPT) csrfBySession.delete(csrfBySession.keys().next().value!);
      csrfBySession.set(sessionId, csrf);
    }
    return csrf;
  };
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const policy = policyOf(method, route.url);
      if (!policy) throw new Error(`route ${method} ${route.url} has no row in the policy table (src/server/policies.ts)`);
      route.config = { ...(route.config as object), policy };
      // Nothing about a request on an anonymous route is logged, whatever the log level.
      if (policy.who === 'anonymous') route.logLevel = 'silent';
    }
  });
  // Each request runs in an organisation scope of its own (store/scope.ts), narrowed to the
  // session's organisation once the policy checks below have passed: PostgreSQL's row-level
  // security then hides every other organisation's rows from the rest of the request. SQLite has
  // no row-level security: there no scope is entered, and its bookkeeping costs nothing.
  if (hasRowSecurity(ctx.store.dialect)) app.addHook('onRequest', (_req, _reply, done) => withOrganisationScope(null, done));
  app.addHook('onRequest', async (req, reply) => {
    const write = isWrite(req.method);
    if (write) checkOrigin(req, ctx.config);
    if (req.routeOptions.config.policy?.who === 'anonymous') return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const now = ctx.clock();
    const sessionId = tokenHash(token);
    const found = await sessions.findLiveSession(ctx.store.db, sessionId, now.toISOString());
    // A cookie that names no live session carries no authority: the request is simply without one.
    if (!found) return;
    const seen = Date.parse(found.seen_at ?? found.created_at);
    const idleDays = ctx.config.sessionIdleDays;
    if (idleDays !== null && now.getTime() - seen >= idleDays * 86_400_000) {
      await sessions.deleteSession(ctx.store.db, found.session_id);
      return;
    }
    const csrf = csrfOf(sessionId, token);
    if (write) checkCsrfToken(req, csrf);
    req.auth = { sessionId: found.session_id, orgId: found.org_id, memberId: found.member_id, role: found.role };
    if (found.issued_role !== found.role) {
      const member = { id: found.member_id, org_id: found.org_id, role: found.role };
      const renewed = await inTransaction(ctx.store.db, async (trx) =>
        (await sessions.endSession(trx, found.session_id)) ? startSession(ctx, trx, reply, member) : null,
      );
      // A concurrent request renewed it first: this one goes on under the current role, without new cookies.
      if (renewed) req.auth.sessionId = renewed;
      return;
    }
    // Sessions from before the CSRF cookie, or a browser that lost it, get it back.
    if (req.cookies[CSRF_COOKIE] !== csrf) setCsrfCookie(reply, ctx.config, token, csrf);
    if (now.getTime() - seen >= TOUCH_EVERY_MS) await sessions.touchSession(ctx.store.db, found.session_id, now.toISOString());
  });
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const policy = req.routeOptions.config.policy?.who ?? 'admin';
    if (policy === 'public' || policy === 'anonymous') return;
    const auth = req.auth;
    if (!auth) throw new DomainError('unauthenticated', 'session: log in or join through an invite first');
    const orgId = (req.params as { orgId?: string } | undefined)?.orgId;
    if (orgId !== undefined && orgId !== auth.orgId) throw new DomainError('not_found', 'organisation not found');
    if (!roleAtLeast(auth.role, policy)) throw new DomainError('forbidden', `role: this needs ${policy} rights`);
    narrowToOrganisation(auth.orgId);
  });
}

/** The session of a request whose policy already required one. */
export function authOf(req: FastifyRequest): Auth {
  if (!req.auth) throw new DomainError('unauthenticated', 'session: log in first');
  return req.auth;
}
