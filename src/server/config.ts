import path from 'node:path';
import { z } from 'zod';
import type { RateLimitName } from './policies.js';

/**
 * Configuration is read here, once, from the environment and the command line, validated,
 * and handed on in the context. No other module reads process.env.
 */
export interface Config {
  port: number;
  host: string;
  /** Where the embedded database and other files live. */
  dataDir: string;
  /** postgres://… when PostgreSQL is used; undefined for the embedded SQLite store. */
  databaseUrl: string | undefined;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  sessionDays: number;
  /**
   * A session not seen for this many days has ended (seen is recorded at most once an hour);
   * null: none. Off by default: a member who joined through an invite has no password to log in again with.
   */
  sessionIdleDays: number | null;
  /**
   * The origin the pages are served from (https://massline.example.org), against which the
   * Origin header of every write is checked; undefined: the request's own scheme and Host.
   */
  publicOrigin: string | undefined;
  /** Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (addresses or CIDRs); false: none. */
  trustProxy: string | false;
  /** The request limits of the policy table's `limit` names; null: none at all (load benchmarks, replays). */
  rateLimits: RateLimits | null;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** How long a request may take to arrive, and a connection to stay quiet: a client that promises a body and trickles it is cut. */
  timeouts: ServerTimeouts;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Wait this long after a vote before analysing, so a burst of votes gives one analysis. */
  analysisDebounceMs: number;
  /** Criticism from below: blind-signed tokens per member per epoch (ISO week). */
  criticismQuota: number;
  /** Criticism from below is published once a day at this hour (UTC), a day's criticism together. */
  criticismPublishHourUtc: number;
  /** An OpenAI-compatible endpoint that summarises a theme, every sentence citing its statements; null (the default): no summaries. */
  summary: SummaryEndpoint | null;
  /**
   * What `serve` does: answer the API (`api`), take analysis and criticism-publication jobs from
   * the PostgreSQL job queue (`worker`), or both (`all`, the default; the only one on SQLite).
   */
  role: ServeRole;
  /**
   * A job running longer than this is taken for dead (its worker killed) and retried; an
   * analysis must finish within it. PostgreSQL job queue only.
   */
  jobExpireSeconds: number;
  /** How often expired jobs are looked for (and old ones archived). PostgreSQL job queue only. */
  jobMaintenanceSeconds: number;
}

export const serveRoles = ['api', 'worker', 'all'] as const;
export type ServeRole = (typeof serveRoles)[number];

export interface SummaryEndpoint {
  /** The API's base, e.g. http://127.0.0.1:8000/v1 (POST {url}/chat/completions). */
  url: string;
  model: string;
}

export class ConfigError extends Error {}

/** At most `max` requests per `windowMs`, counted per member with a session, else per client address. */
export interface RateWindow {
  readonly max: number;
  readonly windowMs: number;
}
/** A limit of the policy table, or `login-account`: the login's second limit, per account (organisation and e-mail) whatever the address. */
export type RequestLimitName = RateLimitName | 'login-account';
export type RateLimits = Readonly<Record<RequestLimitName, readonly RateWindow[]>>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The figures, and why (docs/deploy.md says the same to operators). Per member, each is well
 * above what a person does clicking as fast as they can, with the pages' own reloads (a page
 * loads a resource again at most once a second on live events): none of them should ever be
 * met by hand. They are there for a loop.
 */
export const defaultRateLimits: RateLimits = {
  // Per address; from the research (../shared/docs/research/reliability.md §2).
  login: [
    { max: 5, windowMs: MINUTE },
    { max: 30, windowMs: HOUR },
  ],
  // Per account, from every address together: a guesser with many addresses gets no more; the owner locked out waits an hour at most.
  'login-account': [
    { max: 10, windowMs: MINUTE },
    { max: 50, windowMs: HOUR },
  ],
  signup: [{ max: 5, windowMs: HOUR }],
  // Previews and uses of invite links, per address: a meeting joining over one Wi-Fi shares it.
  invite: [{ max: 200, windowMs: HOUR }],
  // Pages, assets, the API's description and health, and member routes asked without a session, per address: a
  // meeting of a few hundred loading the pages over one Wi-Fi (a handful of requests each) stays under it.
  public: [{ max: 3000, windowMs: MINUTE }],
  // Every anonymous route, all callers together, with nothing kept about any of them: a flood is
  // cut to this many requests a second, at the price that honest criticism waits while it lasts.
  // Honest use is a few a second at most: a visit to the criticism page asks for the keys and its
  // receipts, and spending is rarer still; more reach the database only in a flood.
  anonymous: [{ max: 20, windowMs: SECOND }],
  'invite-issue': [{ max: 60, windowMs: HOUR }],
  // Two a second for a minute: faster than a member reads a statement.
  vote: [{ max: 120, windowMs: MINUTE }],
  statement: [{ max: 10, windowMs: HOUR }],
  // The vote page asks for the next statement after every vote and on live events: twice the vote limit.
  'next-statement': [{ max: 240, windowMs: MINUTE }],
  // One request after each pause in typing a statement, or each statement opened on the themes page.
  similar: [{ max: 120, windowMs: MINUTE }],
  // Blind signing (RSA) on every request; the criticism page asks once per visit, the quota bounds the tokens.
  tokens: [{ max: 30, windowMs: MINUTE }],
  // Opening a live stream: one per tab, again 3 s after a drop.
  live: [{ max: 60, windowMs: MINUTE }],
  // The cheap reads (me, the organisation, lists of issues, members, invites), all together: a page asks for a few.
  read: [{ max: 1200, windowMs: MINUTE }],
  // The writes without a limit of their own (moderation, endorsements, actions, reports, seconds, drafts…), all together.
  write: [
    { max: 300, windowMs: MINUTE },
    { max: 3000, windowMs: HOUR },
  ],
  // Reads that grow with an issue (its statements and counts, the line's history, actions, reports, marks, the
  // criticism list), each route on its own: the health page asks for every changed issue at once.
  detail: [{ max: 300, windowMs: MINUTE }],
  // The model's figures and an issue's analysis, each route on its own: a person reloads a page, a loop is refused.
  model: [{ max: 60, windowMs: MINUTE }],
  // The health page asks for every issue's trail at once.
  trail: [{ max: 600, windowMs: MINUTE }],
};

/** Time limits on the server's connections, in milliseconds. */
export interface ServerTimeouts {
  /** The request line and headers must have arrived within this (slow headers are cut; http.Server.headersTimeout). */
  headersMs: number;
  /** The whole request, body included, must have arrived within this (a trickled body is cut with 408; requestTimeout). */
  requestMs: number;
  /** A connection quiet for this long is closed (Fastify connectionTimeout); above the live stream's 25 s heartbeat. */
  idleMs: number;
  /** A kept-alive connection waits this long for its next request (keepAliveTimeout); above a load balancer's idle timeout. */
  keepAliveMs: number;
}

export const defaultTimeouts: ServerTimeouts = {
  // A phone on a poor network sends its headers in well under a second; fifteen is generous.
  headersMs: 15_000,
  // The largest body (64 KiB) at a few kilobytes a second.
  requestMs: 30_000,
  idleMs: 120_000,
  // Fastify's default: above the 60 s idle timeout of common load balancers.
  keepAliveMs: 72_000,
};

/** How often the server looks for requests past their time: a fraction of the shortest, so a cut comes at most that late. */
export function timeoutCheckIntervalMs(t: ServerTimeouts): number {
  return Math.max(50, Math.min(5_000, Math.floor(Math.min(t.headersMs, t.requestMs) / 5)));
}

const unitMs = { s: 1000, m: MINUTE, h: HOUR, d: 24 * HOUR } as const;

/**
 * `off`, `on` (the defaults), or defaults with some limits replaced: `login=5/1m+30/1h,vote=200/1m`
 * (each limit a `+`-joined list of max/window, the window in s, m, h or d).
 */
export function parseRateLimits(spec: string, variable = 'MASSLINE_RATE_LIMITS'): RateLimits | null {
  const text = spec.trim();
  if (text === 'off') return null;
  if (text === 'on' || text === '') return defaultRateLimits;
  const out: Record<string, readonly RateWindow[]> = { ...defaultRateLimits };
  for (const part of text.split(',')) {
    const [name = '', windows = ''] = part.split('=').map((x) => x.trim());
    if (!(name in defaultRateLimits)) {
      throw new ConfigError(`${variable}: unknown limit "${name}" (one of ${Object.keys(defaultRateLimits).join(', ')}; or off)`);
    }
    out[name] = windows.split('+').map((w) => {
      const m = /^(\d{1,6})\/(\d{1,4})([smhd])$/.exec(w.trim());
      if (!m) throw new ConfigError(`${variable}: ${name}: "${w}" is not max/window such as 5/1m`);
      const windowMs = Number(m[2]) * unitMs[m[3] as keyof typeof unitMs];
      if (windowMs === 0) throw new ConfigError(`${variable}: ${name}: the window must not be empty`);
      return { max: Number(m[1]), windowMs };
    });
  }
  return out as RateLimits;
}

/** An http(s) origin alone: scheme, host and port, no path. */
function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('MASSLINE_PUBLIC_ORIGIN: must be an origin such as https://massline.example.org');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new ConfigError('MASSLINE_PUBLIC_ORIGIN: must be an origin such as https://massline.example.org (no path)');
  }
  return url.origin;
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  MASSLINE_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  MASSLINE_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  MASSLINE_SESSION_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  MASSLINE_SESSION_IDLE_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  MASSLINE_PUBLIC_ORIGIN: z.string().min(1).optional(),
  MASSLINE_TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Fa-f.:/]+(?:\s*,\s*[0-9A-Fa-f.:/]+)*$/, 'must be a comma-separated list of proxy addresses or CIDR ranges')
    .optional(),
  MASSLINE_RATE_LIMITS: z.string().optional(),
  MASSLINE_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 bytes')
    .max(16 * 1024 * 1024, 'must be at most 16 MiB')
    .optional(),
  MASSLINE_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be at least 100 ms').max(600_000, 'must be at most 600000 ms').optional(),
  MASSLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be at least 100 ms').max(3_600_000, 'must be at most 3600000 ms').optional(),
  MASSLINE_IDLE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(30_000, "must be at least 30000 ms (the live stream's heartbeat is every 25 s)")
    .max(3_600_000, 'must be at most 3600000 ms')
    .optional(),
  MASSLINE_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000, 'must be at least 1000 ms').max(600_000, 'must be at most 600000 ms').optional(),
  MASSLINE_LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug', 'trace']).optional(),
  MASSLINE_ANALYSIS_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  MASSLINE_CRITICISM_QUOTA: z.coerce.number().int().min(1).max(50).optional(),
  MASSLINE_CRITICISM_PUBLISH_HOUR: z.coerce.number().int().min(0).max(23).optional(),
  MASSLINE_SUMMARY_URL: z.string().min(1).optional(),
  MASSLINE_SUMMARY_MODEL: z.string().min(1).max(200).optional(),
  MASSLINE_ROLE: z.enum(serveRoles, { message: `must be one of ${serveRoles.join(', ')}` }).optional(),
  MASSLINE_JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
  MASSLINE_JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
});

/** The summary endpoint: both variables or neither; the URL an http(s) base without query or fragment. */
function summaryEndpointOf(url: string | undefined, model: string | undefined): SummaryEndpoint | null {
  if (url === undefined && model === undefined) return null;
  if (url === undefined) throw new ConfigError('MASSLINE_SUMMARY_URL: must be set with MASSLINE_SUMMARY_MODEL (the endpoint, e.g. http://127.0.0.1:8000/v1)');
  if (model === undefined) throw new ConfigError('MASSLINE_SUMMARY_MODEL: must be set with MASSLINE_SUMMARY_URL (the model the endpoint serves)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('MASSLINE_SUMMARY_URL: must be a URL such as http://127.0.0.1:8000/v1');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash) {
    throw new ConfigError('MASSLINE_SUMMARY_URL: must be an http(s) URL without query or fragment, such as http://127.0.0.1:8000/v1');
  }
  return { url: parsed.href.replace(/\/+$/, ''), model };
}

/** The timeouts with their defaults; the headers must be due no later than the whole request. */
function timeoutsOf(e: z.infer<typeof Env>): ServerTimeouts {
  const t: ServerTimeouts = {
    headersMs: e.MASSLINE_HEADERS_TIMEOUT_MS ?? Math.min(defaultTimeouts.headersMs, e.MASSLINE_REQUEST_TIMEOUT_MS ?? defaultTimeouts.headersMs),
    requestMs: e.MASSLINE_REQUEST_TIMEOUT_MS ?? defaultTimeouts.requestMs,
    idleMs: e.MASSLINE_IDLE_TIMEOUT_MS ?? defaultTimeouts.idleMs,
    keepAliveMs: e.MASSLINE_KEEP_ALIVE_TIMEOUT_MS ?? defaultTimeouts.keepAliveMs,
  };
  if (t.headersMs > t.requestMs)
    throw new ConfigError(`MASSLINE_HEADERS_TIMEOUT_MS: must be at most the request timeout (${t.requestMs} ms): the headers are part of the request`);
  return t;
}

export interface ConfigOverrides {
  port?: number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  logLevel?: Config['logLevel'] | undefined;
  analysisDebounceMs?: number | undefined;
  sessionDays?: number | undefined;
  /** As MASSLINE_RATE_LIMITS: off, on, or overrides. */
  rateLimits?: string | undefined;
  /** As MASSLINE_ROLE (serve --role). */
  role?: ServeRole | undefined;
}

/** api and worker processes share work through the PostgreSQL job queue; SQLite has one process, which does both. */
function roleOf(role: ServeRole, databaseUrl: string | undefined, source: string): ServeRole {
  if (role !== 'all' && databaseUrl === undefined) {
    throw new ConfigError(`${source}: ${role} needs PostgreSQL (DATABASE_URL); on SQLite one process serves and works (role all)`);
  }
  return role;
}

/** Environment → config with defaults; command-line overrides win. Throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k in Env.shape && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const dataDir = overrides.dataDir ?? e.MASSLINE_DATA_DIR ?? './data';
  const databaseUrl = overrides.databaseUrl ?? e.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError('DATABASE_URL: must start with postgres:// or postgresql://');
  const port = overrides.port ?? e.PORT ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('port: must be an integer from 0 to 65535');
  return {
    port,
    host: overrides.host ?? e.HOST ?? '127.0.0.1',
    dataDir: dataDir === ':memory:' ? dataDir : path.resolve(dataDir),
    databaseUrl,
    secureCookies: e.MASSLINE_SECURE_COOKIES === 'true',
    sessionDays: overrides.sessionDays ?? e.MASSLINE_SESSION_DAYS ?? 30,
    sessionIdleDays: e.MASSLINE_SESSION_IDLE_DAYS ?? null,
    publicOrigin: e.MASSLINE_PUBLIC_ORIGIN === undefined ? undefined : parseOrigin(e.MASSLINE_PUBLIC_ORIGIN),
    trustProxy: e.MASSLINE_TRUST_PROXY ?? false,
    rateLimits: parseRateLimits(
      overrides.rateLimits ?? e.MASSLINE_RATE_LIMITS ?? 'on',
      overrides.rateLimits === undefined ? 'MASSLINE_RATE_LIMITS' : 'rate limits',
    ),
    // A line draft of many cited claims, or a report at its full length in a non-Latin script, needs more than 16 KiB.
    bodyLimit: e.MASSLINE_BODY_LIMIT_BYTES ?? 64 * 1024,
    timeouts: timeoutsOf(e),
    logLevel: overrides.logLevel ?? e.MASSLINE_LOG_LEVEL ?? 'warn',
    analysisDebounceMs: overrides.analysisDebounceMs ?? e.MASSLINE_ANALYSIS_DEBOUNCE_MS ?? 1000,
    criticismQuota: e.MASSLINE_CRITICISM_QUOTA ?? 5,
    criticismPublishHourUtc: e.MASSLINE_CRITICISM_PUBLISH_HOUR ?? 18,
    summary: summaryEndpointOf(e.MASSLINE_SUMMARY_URL, e.MASSLINE_SUMMARY_MODEL),
    role: roleOf(overrides.role ?? e.MASSLINE_ROLE ?? 'all', databaseUrl, overrides.role === undefined ? 'MASSLINE_ROLE' : '--role'),
    // Long enough for a full analysis of a large issue; short enough that a killed worker's job is soon retried.
    jobExpireSeconds: e.MASSLINE_JOB_EXPIRE_SECONDS ?? 120,
    jobMaintenanceSeconds: e.MASSLINE_JOB_MAINTENANCE_SECONDS ?? 30,
  };
}
