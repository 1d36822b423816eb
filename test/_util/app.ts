/** API test harness: a context and an app on a fresh database, with a fixed clock and fast hashing. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, createContext, loadConfig, type AppContext } from '../../src/server/index.js';
import type { PasswordHasher } from '../../src/server/auth/passwords.js';
import { freshDatabase, type TestDatabase } from './stores.js';
import type { DialectName } from '../../src/store/index.js';

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

export async function startHarness(dialect: DialectName, options: { clock?: () => Date; analysisDebounceMs?: number } = {}): Promise<Harness> {
  const database = await freshDatabase(dialect);
  const config = loadConfig({}, { dataDir: database.dataDir, databaseUrl: database.databaseUrl, logLevel: 'silent', analysisDebounceMs: options.analysisDebounceMs ?? 0 });
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

/** A client that keeps the session cookie, like a browser. */
export class Client {
  cookie: string | undefined;
  constructor(private readonly app: FastifyInstance) {}

  async req(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie) all.cookie = `massline_session=${this.cookie}`;
    let payload: string | undefined;
    if (body !== undefined) {
      // A string is sent as it is (to test malformed JSON); anything else as JSON.
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      all['content-type'] ??= 'application/json';
    }
    const res = await this.app.inject({ method, url, headers: all, ...(payload === undefined ? {} : { payload }) });
    const set = res.cookies.find((c) => c.name === 'massline_session');
    if (set) this.cookie = set.value || undefined;
    return res;
  }
  get = (url: string) => this.req('GET', url);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('POST', url, body ?? {}, headers);
  put = (url: string, body?: unknown, headers?: Record<string, string>) => this.req('PUT', url, body ?? {}, headers);
  patch = (url: string, body?: unknown) => this.req('PATCH', url, body ?? {});
  delete = (url: string) => this.req('DELETE', url);
}

export interface Org {
  orgId: string;
  admin: Client;
}

let counter = 0;
/** Found an organisation through the API; its admin's client is logged in. */
export async function signUp(app: FastifyInstance, slug = `org-${++counter}-${Date.now() % 100000}`): Promise<Org> {
  const admin = new Client(app);
  const res = await admin.post('/api/auth/signup', { organisation: { name: `Org ${slug}`, slug }, displayName: 'Admin', email: `admin@${slug}.test`, password: 'correct horse battery' });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  return { orgId: res.json().organisation.id, admin };
}

/** A member who joined through an invite, with a logged-in client. */
export async function joinAsMember(app: FastifyInstance, org: Org, role: 'member' | 'organiser' = 'member'): Promise<{ client: Client; memberId: string }> {
  const inv = await org.admin.post(`/api/orgs/${org.orgId}/invites`, { role });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.body}`);
  const client = new Client(app);
  const res = await client.post(`/api/invites/${inv.json().token}/accept`, { displayName: 'A member' });
  if (res.statusCode !== 201) throw new Error(`join failed: ${res.body}`);
  return { client, memberId: res.json().member.id };
}
