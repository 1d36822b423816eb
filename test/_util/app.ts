/** API test harness: a context and an app on a fresh database, with a fixed clock and fast hashing. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, createContext, loadConfig, type AppContext } from '../../src/server/index.js';
import type { PasswordHasher } from '../../src/server/auth/passwords.js';
import { freshDatabase, type TestDatabase } from './stores.js';
import type { DialectName } from '../../src/store/index.js';
import { pathOf, routeTable } from './routes.js';
import { routes, type PathParams, type RouteAnswer, type RouteBody, type RouteName, type RouteQuery } from '../../src/contract/index.js';

/** A stand-in for argon2id in API tests only, so hundreds of logins stay fast; the real hasher has its own test. */
export const plainHasher: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (h, p) => h === `plain:${p}`,
};

export interface Harness {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: () => Date;
  analysisDebounceMs?: number;
  /** Request limits: off unless asked for; 'on' for the defaults, or overrides as MASSLINE_RATE_LIMITS takes them. */
  rateLimits?: string;
  /** Further environment, as the server would read it (MASSLINE_SESSION_IDLE_DAYS, MASSLINE_PUBLIC_ORIGIN…). */
  env?: Record<string, string>;
}

export async function startHarness(dialect: DialectName, options: HarnessOptions = {}): Promise<Harness> {
  const database = await freshDatabase(dialect);
  const config = loadConfig(options.env ?? {}, {
    dataDir: database.dataDir,
    databaseUrl: database.databaseUrl,
    logLevel: 'silent',
    analysisDebounceMs: options.analysisDebounceMs ?? 0,
    rateLimits: options.rateLimits ?? 'off',
  });
  const ctx = await createContext(config, {
    passwords: plainHasher,
    ...(options.clock ? { clock: options.clock } : {}),
    onJobError: (e) => {
      throw e;
    },
  });
  const app = await buildApp(ctx);
  return {
    app,
    ctx,
    database,
    async close() {
      await app.close();
      await ctx.close();
      await database.drop();
    },
  };
}

export interface ClientOptions {
  /** Send the x-csrf-token header on writes, as the pages do (default true). */
  csrf?: boolean;
  /** An Origin header on every request (a browser sends its page's origin on writes). */
  origin?: string;
  /** The client's address (default light-my-request's 127.0.0.1). */
  ip?: string;
}

/**
 * A client that keeps its cookies like a browser, and on writes sends the x-csrf-token header
 * from the massline_csrf cookie, as the pages do.
 */
export class Client {
  /** The session cookie's token. */
  cookie: string | undefined;
  /** The readable CSRF cookie the server set beside it. */
  csrf: string | undefined;
  sendCsrf: boolean;
  origin: string | undefined;
  ip: string | undefined;
  constructor(
    private readonly app: FastifyInstance,
    options: ClientOptions = {},
  ) {
    this.sendCsrf = options.csrf ?? true;
    this.origin = options.origin;
    this.ip = options.ip;
  }

  async req(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const all: Record<string, string> = {};
    const jar = [this.cookie && `massline_session=${this.cookie}`, this.csrf && `massline_csrf=${this.csrf}`].filter(Boolean);
    if (jar.length) all.cookie = jar.join('; ');
    if (this.sendCsrf && method !== 'GET' && this.csrf) all['x-csrf-token'] = this.csrf;
    if (this.origin) all.origin = this.origin;
    Object.assign(all, headers);
    let payload: string | undefined;
    if (body !== undefined) {
      // A string is sent as it is (to test malformed JSON); anything else as JSON.
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      all['content-type'] ??= 'application/json';
    }
    const res = await this.app.inject({
      method,
      url,
      headers: all,
      ...(payload === undefined ? {} : { payload }),
      ...(this.ip ? { remoteAddress: this.ip } : {}),
    });
    for (const c of res.cookies) {
      if (c.name === 'massline_session') this.cookie = c.value || undefined;
      if (c.name === 'massline_csrf') this.csrf = c.value || undefined;
    }
    return res;
  }
  /**
   * A route of the table: its URL from the table, its body and answer typed by the route's schemas,
   * and its status checked (by default the route's success: its lowest 2xx).
   */
  async call<K extends RouteName>(
    name: K,
    params: PathParams<(typeof routeTable)[K]>,
    options: { body?: RouteBody<K>; query?: RouteQuery<K>; headers?: Record<string, string>; status?: number } = {},
  ): Promise<RouteAnswer<K>> {
    const route = routeTable[name];
    const url = pathOf(route, params, options.query as Parameters<typeof pathOf>[2]);
    const body = options.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
    const res = await this.req(route.method, url, body, options.headers);
    const status = options.status ?? successOf(name);
    if (res.statusCode !== status) throw new Error(`${route.method} ${url}: expected ${status}, got ${res.statusCode} ${res.body}`);
    return (res.body ? res.json() : undefined) as RouteAnswer<K>;
  }
  get = (url: string) => this.req('GET', url);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('POST', url, body ?? {}, headers);
  put = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('PUT', url, body ?? {}, headers);
  patch = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('PATCH', url, body ?? {}, headers);
  delete = (url: string, headers?: Record<string, string>) => this.req('DELETE', url, undefined, headers);
}

/** A route's success status: the lowest 2xx its schemas answer. */
function successOf(name: RouteName): number {
  const route: object = routes[name];
  const response = 'response' in route && route.response && typeof route.response === 'object' ? route.response : { 200: null };
  return Math.min(
    ...Object.keys(response)
      .map(Number)
      .filter((s) => s >= 200 && s < 300),
  );
}

export interface Org {
  orgId: string;
  admin: Client;
}

let counter = 0;
/** Found an organisation through the API; its admin's client is logged in. */
export async function signUp(app: FastifyInstance, slug = `org-${++counter}-${Date.now() % 100000}`): Promise<Org> {
  const admin = new Client(app);
  const res = await admin.post(pathOf(routeTable.signup, {}), {
    organisation: { name: `Org ${slug}`, slug },
    displayName: 'Admin',
    email: `admin@${slug}.test`,
    password: 'correct horse battery',
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return { orgId: res.json().organisation.id, admin };
}

/** A member who joined through an invite, with a logged-in client. */
export async function joinAsMember(app: FastifyInstance, org: Org, role: 'member' | 'organiser' = 'member'): Promise<{ client: Client; memberId: string }> {
  const inv = await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { role });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.body}`);
  const client = new Client(app);
  const res = await client.post(pathOf(routeTable.acceptInvite, { token: inv.json().token }), { displayName: 'A member' });
  if (res.statusCode !== 201) throw new Error(`join failed: ${res.body}`);
  return { client, memberId: res.json().member.id };
}
