/**
 * Request limits, from the policy table's `limit` of each route and the windows of
 * `config.rateLimits` (fixed windows on the context's clock, in this process's memory).
 *
 * What a request counts against (policies.ts `rateLimitScopes`):
 * - an anonymous route: one counter for every caller together, keyed by nothing: no address, no
 *   cookie, nothing about the request is kept;
 * - a public route: its client address (an IPv6 address by its /64), whether or not a session
 *   cookie comes with it, so sessions buy no extra sign-ups or logins; a login also counts
 *   against its account (organisation and e-mail, kept as a hash), from every address together;
 * - a member route: the member of the session; without a live session, the address (`public`).
 *
 * The cheap refusals come first. As a request arrives, before Fastify builds anything for it
 * (`refuseEarly`, for the server's request listener): anonymous routes are counted, and a member
 * already over a limit is known by the session cookie's hash (remembered from an earlier
 * request) and refused. Then, in Fastify's hooks (which are all `inject()` passes through):
 * public routes before the session is read and the body parsed, the same early refusal of a
 * member known to be over, and member routes once the session is resolved. Every window counts a request, refused or not, so hammering one window fills
 * the longer ones too.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { roleAtLeast, type Role } from '../../core/index.js';
import { tokenHash } from '../../store/index.js';
import type { RateLimits, RateWindow, RequestLimitName } from '../config.js';
import type { AppContext } from '../context.js';
import { policyOf, rateLimitScopes, routePolicies, type RateLimitName, type RoutePolicy } from '../policies.js';

/** Never more keys per counter than this in memory; the least recently counted go first. */
const KEYS_PER_COUNTER = 20_000;

/** Sessions whose member is remembered, to refuse a member over a limit before the session lookup. */
const SESSIONS_REMEMBERED = 20_000;

const SESSION_COOKIE = 'massline_session';

interface Refusal {
  window: RateWindow;
  seconds: number;
}

/**
 * Fixed windows per key: for each key and window its start and count, kept in insertion order
 * so the least recently counted key is the first (dropped beyond `keep`).
 */
export class WindowCounter {
  private readonly counts = new Map<string, number[]>();
  constructor(
    readonly windows: readonly RateWindow[],
    private readonly now: () => number,
    private readonly keep = KEYS_PER_COUNTER,
  ) {}

  /** Count one request of `key`: the window it overfills with the longest wait, or null. */
  hit(key: string): Refusal | null {
    const t = this.now();
    let c = this.counts.get(key);
    if (c) this.counts.delete(key);
    else c = this.windows.flatMap(() => [Number.NEGATIVE_INFINITY, 0]);
    let refused: Refusal | null = null;
    for (let i = 0; i < this.windows.length; i++) {
      const w = this.windows[i]!;
      if (c[2 * i]! + w.windowMs <= t) {
        c[2 * i] = t;
        c[2 * i + 1] = 0;
      }
      c[2 * i + 1]! += 1;
      if (c[2 * i + 1]! > w.max) refused = longer(refused, w, c[2 * i]! + w.windowMs - t);
    }
    this.counts.set(key, c);
    if (this.counts.size > this.keep) this.counts.delete(this.counts.keys().next().value!);
    return refused;
  }

  /** Whether the next request of `key` would be refused, without counting it. */
  full(key: string): boolean {
    const c = this.counts.get(key);
    if (!c) return false;
    const t = this.now();
    return this.windows.some((w, i) => c[2 * i]! + w.windowMs > t && c[2 * i + 1]! >= w.max);
  }
}

function longer(refused: Refusal | null, window: RateWindow, ms: number): Refusal {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return refused && refused.seconds >= seconds ? refused : { window, seconds };
}

const nouns: Record<RequestLimitName, string> = {
  login: 'login attempts',
  'login-account': 'login attempts on one account',
  signup: 'sign-ups',
  invite: 'invite link uses',
  public: 'requests from one address',
  anonymous: 'anonymous requests from everyone together',
  'invite-issue': 'invites made',
  vote: 'votes',
  statement: 'statements',
  'next-statement': 'requests for the next statement',
  similar: 'requests for similar statements',
  tokens: 'requests for criticism tokens',
  live: 'live streams opened',
  read: 'requests',
  write: 'changes',
  detail: 'requests for this',
  model: 'requests for these figures',
  trail: "requests for issues' trails",
};

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

const messageOf = (name: RequestLimitName, r: Refusal) =>
  `rate limit: at most ${r.window.max} ${nouns[name]} in ${describeWindow(r.window)}; try again in ${r.seconds} s`;

/** A refused request's body larger than this is not read and thrown away: the connection closes after the answer. */
const BODY_NOT_WAITED_FOR = 16 * 1024;

/**
 * The 429, sent from a hook: a fixed shape, no error object, no stack. A small body is read and
 * dropped, keeping the connection (a new one costs more than a few hundred bytes); a large or
 * chunked one is not waited for.
 */
function refuse(req: FastifyRequest, reply: FastifyReply, name: RequestLimitName, r: Refusal): void {
  const message = messageOf(name, r);
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > BODY_NOT_WAITED_FOR))
    void reply.header('connection', 'close');
  void reply
    .code(429)
    .header('retry-after', String(r.seconds))
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ error: 'rate_limited', message }));
}

/** What a route counts against, hung on its config when it registers. */
interface RouteLimit {
  name: RateLimitName;
  counter: WindowCounter;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's counter, from the policy table's limit (none: `limit: 'none'`, or limits off). */
    requestLimit?: RouteLimit | null;
  }
}

const addressOf = (req: FastifyRequest) => normalizeIP(req.ip);

/**
 * The anonymous and member routes of the policy table, as patterns on the raw request's method
 * and URL, the most static segments first (as the router prefers them).
 */
const earlyRoutes = Object.entries(routePolicies as Record<string, RoutePolicy>)
  .filter(([, p]) => p.who === 'anonymous' || (p.who !== 'public' && p.limit !== 'none'))
  .map(([key, policy]) => {
    const [method = '', path = ''] = key.split(' ');
    const statics = path.split('/').filter((segment) => segment !== '' && !segment.startsWith(':')).length;
    return { key, policy, method, statics, pattern: new RegExp(`^${path.replace(/:[^/]+/g, '[^/?#]+')}(?:[?#]|$)`) };
  })
  .sort((a, b) => b.statics - a.statics);

/** The row a raw request would be routed to, among the anonymous and member routes (HEAD answers like GET). */
function earlyRouteOf(method: string | undefined, url: string | undefined) {
  if (url === undefined) return undefined;
  const m = method === 'HEAD' ? 'GET' : method;
  return earlyRoutes.find((r) => r.method === m && r.pattern.test(url));
}

const SESSION_IN_COOKIES = /(?:^|;\s*)massline_session=([^;]+)/;

/** The account a login names, as a hash: the limiter keeps no e-mail address. */
function accountOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { organisation, email } = body as { organisation?: unknown; email?: unknown };
  if (typeof organisation !== 'string' || typeof email !== 'string') return null;
  return createHash('sha256').update(`${organisation.trim().toLowerCase()}\n${email.trim().toLowerCase()}`).digest('base64url');
}

/**
 * The limits' hooks. `beforeSession` must be added after the cookie parser and before the
 * session is resolved (installAuth), `afterSession` after it; `onRoute` before the routes.
 * Null when the limits are off.
 */
export function requestLimits(ctx: AppContext) {
  const limits: RateLimits | null = ctx.config.rateLimits;
  if (!limits) return null;
  const now = () => ctx.clock().getTime();
  const shared = new Map<RequestLimitName, WindowCounter>();
  const counterOf = (name: RequestLimitName): WindowCounter => {
    const eachRoute = name !== 'login-account' && 'eachRoute' in rateLimitScopes[name];
    if (eachRoute) return new WindowCounter(limits[name], now);
    let c = shared.get(name);
    if (!c) shared.set(name, (c = new WindowCounter(limits[name], now, rateLimitScopes[name as RateLimitName]?.per === 'everyone' ? 1 : KEYS_PER_COUNTER)));
    return c;
  };
  const perRoute = new Map<string, RouteLimit | null>();
  const limitOf = (route: string, policy: RoutePolicy | undefined): RouteLimit | null => {
    if (perRoute.has(route)) return perRoute.get(route)!;
    const name: RateLimitName | null =
      policy?.who === 'anonymous' ? 'anonymous' : (policy?.limit ?? 'public') === 'none' ? null : ((policy?.limit as RateLimitName | undefined) ?? 'public');
    const limit = name && limits[name].length > 0 ? { name, counter: counterOf(name) } : null;
    perRoute.set(route, limit);
    return limit;
  };
  const publicLimit: RouteLimit = { name: 'public', counter: counterOf('public') };
  const accounts = counterOf('login-account');
  /** Session id → its member, learnt after a lookup: only ever used to refuse early, never to let in. */
  const members = new Map<string, { memberId: string; role: Role }>();
  /** Requests counted already, before their session was looked up. */
  const counted = new WeakSet<FastifyRequest>();
  /** Requests on anonymous routes counted as they arrived, before Fastify saw them. */
  const arrived = new WeakSet<IncomingMessage>();
  /** The session id (the cookie's hash) of a request, computed as it arrived. */
  const sessionIds = new WeakMap<IncomingMessage, string>();
  /** The early 429s' bodies and headers, which differ only by the limit and the wait: made once each. */
  const answers = new Map<string, { body: string; headers: Record<string, string> }>();
  const exempt = (limit: RouteLimit, role: Role) => limit.name === 'statement' && roleAtLeast(role, 'organiser');

  return {
    /**
     * For the server's request listener, before Fastify: a request on an anonymous route past
     * the shared limit, or on a member route by a member known to be over its limit, is answered
     * here with its 429 and `headers`, at the least a request can cost. An anonymous request let
     * through is counted already. True when it was answered.
     */
    refuseEarly(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): boolean {
      const route = earlyRouteOf(req.method, req.url);
      if (!route) return false;
      const limit = limitOf(route.key, route.policy);
      if (!limit) return false;
      let refused: Refusal | null;
      if (route.policy.who === 'anonymous') {
        arrived.add(req);
        refused = limit.counter.hit('');
      } else {
        const token = SESSION_IN_COOKIES.exec(req.headers.cookie ?? '')?.[1];
        if (token === undefined) return false;
        const sessionId = tokenHash(token);
        sessionIds.set(req, sessionId);
        const known = members.get(sessionId);
        if (!known || exempt(limit, known.role) || !limit.counter.full(known.memberId)) return false;
        refused = limit.counter.hit(known.memberId);
      }
      if (!refused) return false;
      const which = `${limit.name} ${refused.window.max} ${refused.window.windowMs} ${refused.seconds}`;
      let answer = answers.get(which);
      if (!answer) {
        const body = JSON.stringify({ error: 'rate_limited', message: messageOf(limit.name, refused) });
        answer = {
          body,
          headers: {
            ...headers,
            'retry-after': String(refused.seconds),
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
            'content-length': String(Buffer.byteLength(body)),
          },
        };
        if (answers.size < 1000) answers.set(which, answer);
      }
      const length = req.headers['content-length'];
      res.writeHead(
        429,
        req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > BODY_NOT_WAITED_FOR)
          ? { ...answer.headers, connection: 'close' }
          : answer.headers,
      );
      res.end(answer.body);
      return true;
    },

    onRoute(route: RouteOptions) {
      const method = [route.method].flat()[0] ?? '';
      const key = `${method === 'HEAD' ? 'GET' : method} ${route.url}`;
      const policy = policyOf(method, route.url);
      const limit = limitOf(key, policy);
      route.config = { ...(route.config as object), requestLimit: limit };
      if (limit?.name === 'login' && limits['login-account'].length > 0) {
        // The account is in the body: counted once it is parsed, before anything is looked up.
        const countAccount = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
          const account = accountOf(req.body);
          const refused = account === null ? null : accounts.hit(account);
          if (refused) return refuse(req, reply, 'login-account', refused);
          done();
        };
        route.preValidation = [...[route.preValidation ?? []].flat(), countAccount];
      }
    },

    /** Anonymous and public routes counted; a member known to be over a limit refused; nothing read from the database. */
    beforeSession(req: FastifyRequest, reply: FastifyReply, done: () => void) {
      const config = req.routeOptions.config;
      // No route (a 404 of the API): counted as public.
      const limit = config.policy ? config.requestLimit : publicLimit;
      if (!limit) return done();
      const who = config.policy?.who ?? 'public';
      let refused: Refusal | null = null;
      if (who === 'anonymous') {
        if (arrived.has(req.raw)) return done();
        refused = limit.counter.hit('');
      } else if (who === 'public') refused = limit.counter.hit(addressOf(req));
      else {
        const token = req.cookies[SESSION_COOKIE];
        if (!token) {
          // It will be a 401: no one to count it against but its address.
          counted.add(req);
          const r = publicLimit.counter.hit(addressOf(req));
          if (r) return refuse(req, reply, 'public', r);
          return done();
        }
        const known = members.get(sessionIds.get(req.raw) ?? tokenHash(token));
        if (known && !exempt(limit, known.role) && limit.counter.full(known.memberId)) {
          counted.add(req);
          refused = limit.counter.hit(known.memberId);
        }
      }
      if (refused) return refuse(req, reply, limit.name, refused);
      done();
    },

    /** Member routes counted against the session's member (or, without a live session, the address). */
    afterSession(req: FastifyRequest, reply: FastifyReply, done: () => void) {
      const config = req.routeOptions.config;
      const limit = config.requestLimit;
      const who = config.policy?.who;
      if (!limit || who === undefined || who === 'anonymous' || who === 'public' || counted.has(req)) return done();
      const auth = req.auth;
      if (!auth) {
        const r = publicLimit.counter.hit(addressOf(req));
        if (r) return refuse(req, reply, 'public', r);
        return done();
      }
      if (!members.has(auth.sessionId)) {
        members.set(auth.sessionId, { memberId: auth.memberId, role: auth.role });
        if (members.size > SESSIONS_REMEMBERED) members.delete(members.keys().next().value!);
      }
      if (exempt(limit, auth.role)) return done();
      const refused = limit.counter.hit(auth.memberId);
      if (refused) return refuse(req, reply, limit.name, refused);
      done();
    },
  };
}

export type RequestLimits = NonNullable<ReturnType<typeof requestLimits>>;

/** Hang the limits on the app: the cookie parser first, then `before`, then the session (`installSession`), then the rest. */
export function installRateLimits(app: FastifyInstance, limits: RequestLimits | null, installSession: () => void): void {
  if (limits) {
    app.addHook('onRoute', limits.onRoute);
    app.addHook('onRequest', limits.beforeSession);
  }
  installSession();
  if (limits) app.addHook('onRequest', limits.afterSession);
}
