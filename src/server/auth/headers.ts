/**
 * The security headers of every response, API and pages alike, from one place. They depend on
 * the configuration alone (no nonces: the pages run no inline script, so script-src is 'self'
 * alone), so each response gets the same set; styles may be inline because the charts library
 * writes style elements.
 *
 * Where they come from: the headers helmet 8.3.0 sets with its defaults and these choices (this
 * content security policy alone, HSTS only behind HTTPS, no referrer, same-origin opener and
 * resource policies, frames denied), written down here in its order instead of running helmet
 * once at start-up against a stand-in response to read them off.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'", "'unsafe-inline'"],
} as const;

/** Set on every response, in this order, before the handler runs. */
function headersSet(secure: boolean): Record<string, string> {
  return {
    'content-security-policy': Object.entries(contentSecurityPolicy)
      .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
      .join(';'),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    // Invite links carry their token in the path: no referrer may take it elsewhere.
    'referrer-policy': 'no-referrer',
    // Only behind HTTPS: a plain-http install (a laptop, a LAN) must stay reachable.
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/** Removed from every response: it would name the server's software. */
const headersRemoved = ['x-powered-by'] as const;

/** The headers every response gets (`set`) and loses (`removed`) under this configuration. */
export function securityHeaders(config: Pick<Config, 'secureCookies'>): { set: Record<string, string>; removed: readonly string[] } {
  return { set: headersSet(config.secureCookies), removed: headersRemoved };
}

export function installSecurityHeaders(app: FastifyInstance, config: Config): void {
  const { set, removed } = securityHeaders(config);
  app.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(set);
    for (const name of removed) void reply.removeHeader(name);
    done();
  });
}
