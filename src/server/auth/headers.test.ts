import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { installSecurityHeaders } from './headers.js';

/** What helmet 8.3.0 sent with the options these headers were read off (see headers.ts). */
const helmetSent = {
  'content-security-policy':
    "default-src 'self';script-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const hsts = { 'strict-transport-security': 'max-age=31536000; includeSubDomains' };

async function responsesOf(env: Record<string, string>) {
  const app = Fastify();
  installSecurityHeaders(app, loadConfig(env));
  app.get('/answered', async () => ({ ok: true }));
  app.get('/failed', async () => {
    throw new Error('a failure');
  });
  const responses = await Promise.all(['/answered', '/failed', '/not-a-route'].map((url) => app.inject({ method: 'GET', url })));
  await app.close();
  return responses;
}

function securityHeadersOf(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name in helmetSent || name in hsts || name === 'x-powered-by'));
}

describe('security headers', () => {
  it('are sent on every response, answered, failed or unrouted, as helmet sent them; no HSTS over plain http', async () => {
    const responses = await responsesOf({});
    expect(responses.map((r) => r.statusCode)).toEqual([200, 500, 404]);
    for (const response of responses) expect(securityHeadersOf(response.headers)).toEqual(helmetSent);
  });

  it('add HSTS behind HTTPS', async () => {
    for (const response of await responsesOf({ MASSLINE_SECURE_COOKIES: 'true' }))
      expect(securityHeadersOf(response.headers)).toEqual({ ...helmetSent, ...hsts });
  });
});
