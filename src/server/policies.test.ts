import { describe, expect, it } from 'vitest';
import { defaultRateLimits } from './config.js';
import { routeTable } from '../contract/index.js';
import { rateLimitScopes, routePolicies, type RateLimitName, type RoutePolicy } from './policies.js';

const rows = Object.entries(routePolicies as Record<string, RoutePolicy>);
const limitOf = (p: RoutePolicy): RateLimitName | 'none' => (p.who === 'anonymous' ? 'anonymous' : p.limit);

describe('the policy table', () => {
  it('gives every route a limit, or none with the reason written beside it', () => {
    for (const [route, p] of rows) {
      const limit = limitOf(p);
      if (limit === 'none') {
        expect(p.who, route).not.toBe('anonymous');
        expect('reason' in p && typeof p.reason === 'string' && p.reason.length > 20, `${route}: limit 'none' needs its reason`).toBe(true);
      } else expect(Object.keys(rateLimitScopes), route).toContain(limit);
    }
    // The only route without a limit: refusing it would keep a session alive.
    expect(rows.filter(([, p]) => limitOf(p) === 'none').map(([r]) => r)).toEqual([`${routeTable.logout.method} ${routeTable.logout.path}`]);
  });

  it('counts public routes by address, member routes by member, and anonymous routes by nothing at all', () => {
    for (const [route, p] of rows) {
      const limit = limitOf(p);
      if (limit === 'none') continue;
      const per = rateLimitScopes[limit].per;
      if (p.who === 'anonymous') expect(per, route).toBe('everyone');
      else if (p.who === 'public') expect(per, route).toBe('address');
      else expect(per, route).toBe('member');
    }
    // An anonymous row may name no limit, or the shared one: nothing else.
    for (const [route, p] of rows) if (p.who === 'anonymous' && 'limit' in p) expect(p.limit, route).toBe('anonymous');
  });

  it("puts the model's figures under their own per-route limits; cheap shared limits only where their kind fits", () => {
    const model = rows.filter(
      ([r]) =>
        r.startsWith('GET /api/orgs/') &&
        /\/(analysis|themes|health|health\/what-if|changes|principal-contradiction|united-front|embrace|what-became-of-my-input)$/.test(r),
    );
    expect(model.length).toBe(9);
    for (const [route, p] of model) expect(['model', 'trail'], route).toContain(limitOf(p));
    expect(limitOf(routeTable.healthTrail.policy)).toBe('trail');
    for (const [route, p] of rows) {
      const limit = limitOf(p);
      if (limit === 'read' || limit === 'detail' || limit === 'trail') expect(route.startsWith('GET '), `${route}: ${limit} is for reads`).toBe(true);
      if (limit === 'write') expect(route.startsWith('GET '), `${route}: write is for changes`).toBe(false);
    }
    for (const heavy of ['issue', 'line', 'nextStatement', 'similar', 'live'] as const) {
      expect(['read', 'none'], heavy).not.toContain(limitOf(routeTable[heavy].policy));
    }
  });

  it('has windows for every limit, per-route counters where a page asks for several routes at once, and figures a person never meets', () => {
    for (const name of Object.keys(rateLimitScopes) as RateLimitName[]) expect(defaultRateLimits[name].length, name).toBeGreaterThan(0);
    expect(
      Object.entries(rateLimitScopes)
        .filter(([, s]) => 'eachRoute' in s)
        .map(([n]) => n)
        .sort(),
    ).toEqual(['detail', 'model', 'trail']);
    const perMinute = (name: keyof typeof defaultRateLimits) => Math.min(...defaultRateLimits[name].map((w) => (w.max * 60_000) / w.windowMs));
    // The vote page asks for the next statement after every vote.
    expect(perMinute('next-statement')).toBeGreaterThanOrEqual(2 * perMinute('vote'));
    // A page reloads a resource at most once a second on live events.
    for (const name of ['model', 'detail', 'read', 'live', 'vote'] as const) expect(perMinute(name), name).toBeGreaterThanOrEqual(60);
    // A login guesser with many addresses gets no more than one address's allowance per account.
    expect(defaultRateLimits['login-account'].at(-1)!.max).toBeLessThanOrEqual(2 * defaultRateLimits.login.at(-1)!.max);
  });
});
