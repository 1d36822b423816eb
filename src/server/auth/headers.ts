/**
 * The security headers of every response, API and pages alike, from one place (helmet decides
 * them). They depend on the configuration alone (no nonces: the pages run no inline script, so
 * script-src is 'self' alone), so helmet runs once at start-up and each response gets the same
 * set; styles may be inline because the charts library writes style elements.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

export function helmetOptions(config: Config): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: Object.fromEntries(Object.entries(contentSecurityPolicy).map(([k, v]) => [k, [...v]])) },
    // Only behind HTTPS: a plain-http install (a laptop, a LAN) must stay reachable.
    strictTransportSecurity: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Invite links carry their token in the path: no referrer may take it elsewhere.
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  };
}

/** The headers helmet sets and removes with these options, read off one run against a stand-in response. */
export function securityHeaders(options: HelmetOptions): { set: Record<string, string>; removed: string[] } {
  const set: Record<string, string> = {};
  const removed: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader(name: string) {
      removed.push(name.toLowerCase());
    },
  };
  let failure: unknown = null;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => {
    failure = e ?? null;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return { set, removed };
}

export function installSecurityHeaders(app: FastifyInstance, config: Config): void {
  const { set, removed } = securityHeaders(helmetOptions(config));
  app.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(set);
    for (const name of removed) void reply.removeHeader(name);
    done();
  });
}
