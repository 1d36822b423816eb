/**
 * Request limits on the routes whose row in the policy table names a `limit`, with
 * @fastify/rate-limit (global: false). Each limit is one or more fixed windows, counted per
 * member when the request has a session and per client address otherwise. The routes of one
 * limit share its counters (an invite's preview and its use), except the model's figures, where
 * each route counts on its own: a page asks for several at once, and one looped is refused. They run after the
 * session is resolved and the policy applied, so a refused request does not count against
 * anyone. An 'anonymous' route is never counted: nothing about its caller may be kept, not even
 * a counter (criticism from below is limited by its token quota instead).
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, roleAtLeast } from '../../core/index.js';
import type { RateLimits, RateWindow, RequestLimitName } from '../config.js';
import type { AppContext } from '../context.js';
import { policyOf } from '../policies.js';

/** Never more keys per window than this in memory; the least recently counted go first. */
const KEYS_PER_WINDOW = 20_000;

interface Count {
  current: number;
  ttl: number;
}

/**
 * The library's store, counting fixed windows on the context's clock (its own store reads
 * Date.now, which tests cannot move). One instance per window (`child`).
 */
function clockStore(clock: () => Date) {
  return class ClockStore {
    private readonly windows = new Map<string, { count: number; start: number }>();

    incr(key: string, done: (error: Error | null, result?: Count) => void, timeWindow: number): void {
      const now = clock().getTime();
      let w = this.windows.get(key);
      if (!w || w.start + timeWindow <= now) w = { count: 0, start: now };
      this.windows.delete(key);
      w.count += 1;
      this.windows.set(key, w);
      if (this.windows.size > KEYS_PER_WINDOW) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      done(null, { current: w.count, ttl: Math.max(0, w.start + timeWindow - now) });
    }

    child(): ClockStore {
      return new ClockStore();
    }
  };
}

/** Who a request counts against: its member, else its address (an IPv6 address by its /64). */
function counterKey(req: FastifyRequest): string {
  return req.auth ? `member:${req.auth.memberId}` : `address:${normalizeIP(req.ip)}`;
}

const nouns: Record<RequestLimitName, string> = {
  login: 'login attempts',
  signup: 'sign-ups',
  invite: 'invite link uses',
  'invite-issue': 'invites made',
  vote: 'votes',
  statement: 'statements',
  model: 'requests for these figures',
  trail: "requests for issues' trails",
};

/** Limits whose every route is counted on its own. */
const countedPerRoute: ReadonlySet<RequestLimitName> = new Set(['model', 'trail']);

function describeWindow(w: RateWindow): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [ms, unit] of units) {
    if (w.windowMs % ms === 0) {
      const n = w.windowMs / ms;
      if (n !== 1) return `${n} ${unit}s`;
      return unit === 'hour' ? 'an hour' : `a ${unit}`;
    }
  }
  return `${w.windowMs} ms`;
}

/** Register the limiter and hang each limited route's windows on it. Call after installAuth, before the routes. */
export async function installRateLimits(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const limits: RateLimits | null = ctx.config.rateLimits;
  if (!limits) return;
  await app.register(rateLimit, { global: false, store: clockStore(ctx.clock) });

  // One counter per limit and window, shared by every route of that limit (an invite's preview and its use), or by one route alone.
  const checks = new Map<string, ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) | null>();
  const checkOf = (name: RequestLimitName, route: string) => {
    const counter = countedPerRoute.has(name) ? `${name} ${route}` : name;
    if (checks.has(counter)) return checks.get(counter) ?? null;
    const windows = limits[name].map((w) => ({ window: w, count: app.createRateLimit({ max: w.max, timeWindow: w.windowMs, keyGenerator: counterKey }) }));
    const check = windows.length === 0 ? null : async (req: FastifyRequest, reply: FastifyReply) => {
      // Organisers seed statements by the dozen; the statement limit is for members.
      if (name === 'statement' && req.auth && roleAtLeast(req.auth.role, 'organiser')) return;
      let refused: { window: RateWindow; seconds: number } | null = null;
      // Every window counts the request, refused or not, so hammering one window fills the longer ones too.
      for (const { window, count } of windows) {
        const r = await count(req);
        if (!r.isAllowed && r.isExceeded && (!refused || r.ttlInSeconds > refused.seconds)) refused = { window, seconds: Math.max(1, r.ttlInSeconds) };
      }
      if (refused) {
        void reply.header('retry-after', String(refused.seconds));
        throw new DomainError('rate_limited', `rate limit: at most ${refused.window.max} ${nouns[name]} in ${describeWindow(refused.window)}; try again in ${refused.seconds} s`);
      }
    };
    checks.set(counter, check);
    return check;
  };

  app.addHook('onRoute', (route) => {
    const method = [route.method].flat()[0] ?? '';
    const policy = policyOf(method, route.url);
    if (!policy?.limit || policy.who === 'anonymous' || policy.limit === 'criticism') return;
    // HEAD answers like GET, and counts with it.
    const check = checkOf(policy.limit, `${method === 'HEAD' ? 'GET' : method} ${route.url}`);
    if (!check) return;
    // Route hooks run after the application's: the session is resolved and the policy applied by now.
    route.preValidation = [...[route.preValidation ?? []].flat(), check];
  });
}
