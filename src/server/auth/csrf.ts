/**
 * Cross-site request forgery, refused twice over, with no state on the server:
 *
 * - Origin: a write whose Origin header names another origin, or whose Sec-Fetch-Site says
 *   cross-site, is refused, with or without a session (a forged login or join is a write too).
 * - A signed double submit: beside the HttpOnly session cookie the server sets a readable cookie,
 *   `massline_csrf`, derived from the session's token (never the token itself). A write that
 *   presents a live session must carry that value in the `x-csrf-token` header, which only a page
 *   of this origin can read and send. A cookie planted from elsewhere does not help: the value
 *   must match the session cookie, which the attacker cannot know.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/index.js';
import type { Config } from '../config.js';

export const CSRF_COOKIE = 'massline_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request may change something (and so must pass the Origin and token checks). */
export function isWrite(method: string): boolean {
  return !SAFE_METHODS.has(method);
}

/** The CSRF value of a session: a keyed hash of its token under a fixed label (not the stored sha-256 either). */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', 'massline csrf v1').update(sessionToken).digest('base64url');
}

/** Whether `presented` is the session's CSRF value `expected` (csrfTokenOf), compared in constant time. */
export function csrfMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const want = Buffer.from(expected);
  const given = Buffer.from(presented);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Set the readable CSRF cookie of a session (SameSite=Strict: no other site's request carries it). */
export function setCsrfCookie(reply: FastifyReply, config: Config, sessionToken: string, csrfValue = csrfTokenOf(sessionToken)): void {
  void reply.setCookie(CSRF_COOKIE, csrfValue, {
    httpOnly: false,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: '/',
    maxAge: config.sessionDays * 86_400,
  });
}

export function clearCsrfCookie(reply: FastifyReply): void {
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** A write carrying a live session must present the session's CSRF value (csrfTokenOf its token) in the header. */
export function checkCsrfToken(req: FastifyRequest, expected: string): void {
  const header = req.headers[CSRF_HEADER];
  if (header === undefined) throw new DomainError('forbidden', `csrf: send the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie`);
  if (!csrfMatches(expected, Array.isArray(header) ? undefined : header)) {
    throw new DomainError('forbidden', `csrf: the ${CSRF_HEADER} header does not match this session's ${CSRF_COOKIE} cookie`);
  }
}

/** This server's origin as the browser sees it: configured, else the request's scheme (https behind Secure cookies) and Host. */
export function ownOrigin(req: FastifyRequest, config: Config): string | undefined {
  if (config.publicOrigin) return config.publicOrigin;
  const scheme = config.secureCookies ? 'https' : req.protocol;
  try {
    return new URL(`${scheme}://${req.host}`).origin;
  } catch {
    return undefined;
  }
}

/** A write from another site is refused, whoever sends it. */
export function checkOrigin(req: FastifyRequest, config: Config): void {
  if (req.headers['sec-fetch-site'] === 'cross-site')
    throw new DomainError('forbidden', 'origin: a write from another site is refused (sec-fetch-site: cross-site)');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let presented: string | undefined;
  try {
    presented = new URL(origin).origin;
  } catch {
    presented = undefined;
  }
  const own = ownOrigin(req, config);
  if (presented === undefined || presented === 'null' || own === undefined || presented !== own) {
    throw new DomainError('forbidden', "origin: writes are accepted only from this server's own pages (the Origin header names another origin)");
  }
}
