/**
 * Access (issue #6), on every dialect: CSRF and Origin on writes, sessions renewed on login and
 * on a change of role and ended on logout, the idle timeout, the security headers of every
 * response, the request limits, invite tokens, and bounds on every field a request may carry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { tokenHash } from '../../src/store/index.js';
import { csrfTokenOf } from '../../src/server/auth/csrf.js';
import { webRoot } from '../../src/server/web.js';
import { dialects } from '../_util/stores.js';
import { changedTables, fingerprint, tableNames } from '../_util/tables.js';
import { Client, joinAsMember, signUp, startHarness, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

const PASSWORD = 'correct horse battery';
const FOREIGN = 'https://evil.example';

const cookieOf = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name);

function expectRefused(res: LightMyRequestResponse, status: number, error: string, message: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ error });
  expect(res.json().message).toMatch(message);
}

describe.each(dialects)('access on %s', (dialect) => {
  /** Limits off (the harness default), the request's own origin, no idle timeout. */
  let h: Harness;
  /** Limits on at their defaults, a configured public origin behind HTTPS, a 7-day idle timeout. */
  let strict: Harness;
  let now = Date.parse('2026-04-01T09:00:00Z');
  const clock = () => new Date(now);
  let tables: string[];

  beforeAll(async () => {
    h = await startHarness(dialect, { clock });
    strict = await startHarness(dialect, {
      clock,
      // The defaults, with the invite limit low enough to reach in a test.
      rateLimits: 'invite=10/1h',
      env: { MASSLINE_PUBLIC_ORIGIN: 'https://massline.example.org', MASSLINE_SECURE_COOKIES: 'true', MASSLINE_SESSION_IDLE_DAYS: '7' },
    });
    tables = await tableNames(h);
  });
  afterAll(async () => {
    await h?.close();
    await strict?.close();
  });

  /** Run a request that must write nothing: every table's fingerprint is the same after it. */
  async function writesNothing(harness: Harness, request: () => Promise<LightMyRequestResponse>, except: string[] = []) {
    const keep = tables.filter((t) => !except.includes(t));
    const before = await fingerprint(harness, keep);
    const res = await request();
    expect(changedTables(before, await fingerprint(harness, keep))).toEqual([]);
    return res;
  }

  async function issueOf(org: Org) {
    const r = await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Repairs', description: 'What first?' });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }

  describe('CSRF and Origin', () => {
    it('sets a readable CSRF cookie beside the HttpOnly session cookie, derived from neither side of the stored id', async () => {
      const c = new Client(h.app);
      const res = await c.post(pathOf(routeTable.signup, {}), {
        organisation: { name: 'Cookies', slug: `cookies-${dialect}` },
        displayName: 'A',
        email: 'a@cookies.test',
        password: PASSWORD,
      });
      expect(res.statusCode).toBe(201);
      const session = cookieOf(res, 'massline_session')!;
      const csrf = cookieOf(res, 'massline_csrf')!;
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(csrf.httpOnly).toBeFalsy();
      expect(csrf).toMatchObject({ sameSite: 'Strict', path: '/' });
      expect(csrf.value).toBe(csrfTokenOf(session.value));
      expect(csrf.value).not.toBe(session.value);
      expect(csrf.value).not.toBe(tokenHash(session.value));
      expect(Buffer.from(csrf.value, 'base64url')).toHaveLength(32);
    });

    it('refuses a write without the header, with a wrong one, or with another session’s, and writes nothing', async () => {
      const org = await signUp(h.app);
      const issueId = await issueOf(org);
      const other = await signUp(h.app);
      const url = pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId });
      const body = { text: 'Fix the boilers first' };

      org.admin.sendCsrf = false;
      const missing = await writesNothing(h, () => org.admin.post(url, body));
      expectRefused(missing, 403, 'forbidden', /^csrf: .*x-csrf-token/);
      for (const wrong of [
        'x',
        org.admin.cookie!,
        tokenHash(org.admin.cookie!),
        other.admin.csrf!,
        `${org.admin.csrf!.slice(0, -1)}${org.admin.csrf!.endsWith('A') ? 'B' : 'A'}`,
      ]) {
        const res = await writesNothing(h, () => org.admin.post(url, body, { 'x-csrf-token': wrong }));
        expectRefused(res, 403, 'forbidden', /^csrf: .*does not match/);
      }
      // Every kind of write, logout too: the session outlives a forged logout.
      expectRefused(await org.admin.patch(pathOf(routeTable.updateOrganisation, { orgId: org.orgId }), { name: 'Renamed' }), 403, 'forbidden', /^csrf:/);
      expectRefused(await org.admin.put(pathOf(routeTable.markImportant, { orgId: org.orgId, issueId }), {}), 403, 'forbidden', /^csrf:/);
      expectRefused(await org.admin.post(pathOf(routeTable.logout, {})), 403, 'forbidden', /^csrf:/);
      // Reads need no token.
      expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);

      org.admin.sendCsrf = true;
      const ok = await org.admin.post(url, body);
      expect(ok.statusCode, ok.body).toBe(201);
      expect((await org.admin.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }))).json().statements).toHaveLength(1);
    });

    it('refuses a write from another origin, with or without a session; the own origin passes', async () => {
      const org = await signUp(h.app);
      const slug = (await org.admin.get(pathOf(routeTable.me, {}))).json().organisation.slug as string;
      const url = pathOf(routeTable.createIssue, { orgId: org.orgId });
      const body = { title: 'From elsewhere', description: '' };

      const foreign: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        { origin: 'http://localhost:8080' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of foreign) {
        const res = await writesNothing(h, () => org.admin.post(url, body, headers));
        expectRefused(res, 403, 'forbidden', /^origin: /);
      }
      // Without a session too: a forged login would put the victim in the attacker's account.
      const stranger = new Client(h.app, { origin: FOREIGN });
      const login = await writesNothing(h, () =>
        stranger.post(pathOf(routeTable.login, {}), { organisation: slug, email: `admin@${slug}.test`, password: PASSWORD }),
      );
      expectRefused(login, 403, 'forbidden', /^origin: /);
      expect(cookieOf(login, 'massline_session')).toBeUndefined();
      // A read from anywhere is only a read.
      expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
      expect((await org.admin.req('GET', pathOf(routeTable.me, {}), undefined, { origin: FOREIGN })).statusCode).toBe(200);

      // The request's own scheme and Host (inject's Host is localhost:80), or a same-origin fetch.
      const own: Record<string, string>[] = [{ origin: 'http://localhost' }, { 'sec-fetch-site': 'same-origin' }, {}];
      for (const headers of own) {
        const res = await org.admin.post(url, body, headers);
        expect(res.statusCode, res.body).toBe(201);
      }
    });

    it('checks the Origin against the configured public origin when there is one', async () => {
      const ip = '10.9.0.1';
      const c = new Client(strict.app, { ip, origin: 'http://localhost' });
      const body = { organisation: { name: 'Public', slug: `public-${dialect}` }, displayName: 'A', email: 'a@public.test', password: PASSWORD };
      expectRefused(await c.post(pathOf(routeTable.signup, {}), body), 403, 'forbidden', /^origin: /);
      c.origin = 'https://massline.example.org';
      const res = await c.post(pathOf(routeTable.signup, {}), body);
      expect(res.statusCode, res.body).toBe(201);
      // Behind HTTPS both cookies are Secure.
      expect(cookieOf(res, 'massline_session')?.secure).toBe(true);
      expect(cookieOf(res, 'massline_csrf')?.secure).toBe(true);
    });
  });

  describe('sessions', () => {
    it('login issues a new session id and ends the one presented (no fixation)', async () => {
      const org = await signUp(h.app);
      const slug = (await org.admin.get(pathOf(routeTable.me, {}))).json().organisation.slug as string;
      const credentials = { organisation: slug, email: `admin@${slug}.test`, password: PASSWORD };

      // A token planted before login is never adopted.
      const planted = 'A'.repeat(43);
      const visitor = new Client(h.app);
      visitor.cookie = planted;
      const first = await visitor.post(pathOf(routeTable.login, {}), credentials);
      expect(first.statusCode).toBe(200);
      expect(visitor.cookie).toBeDefined();
      expect(visitor.cookie).not.toBe(planted);
      expect(await h.ctx.store.db.selectFrom('sessions').select('id').where('id', '=', tokenHash(planted)).execute()).toEqual([]);

      // Logging in again over a live session: a new id, and the old one is over.
      const before = org.admin.cookie!;
      expect((await org.admin.post(pathOf(routeTable.login, {}), credentials)).statusCode).toBe(200);
      expect(org.admin.cookie).not.toBe(before);
      const stale = new Client(h.app);
      stale.cookie = before;
      expect((await stale.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
      expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
    });

    it('logout ends the session and clears both cookies', async () => {
      const org = await signUp(h.app);
      const token = org.admin.cookie!;
      const res = await org.admin.post(pathOf(routeTable.logout, {}));
      expect(res.statusCode).toBe(204);
      for (const name of ['massline_session', 'massline_csrf']) {
        const c = cookieOf(res, name);
        expect(c?.value, name).toBe('');
        expect(c?.expires?.getTime() ?? Infinity, name).toBeLessThanOrEqual(Date.now());
      }
      expect(await h.ctx.store.db.selectFrom('sessions').select('id').where('id', '=', tokenHash(token)).execute()).toEqual([]);
      const stale = new Client(h.app);
      stale.cookie = token;
      stale.csrf = csrfTokenOf(token);
      expect((await stale.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
      expectRefused(await stale.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'After logout' }), 401, 'unauthenticated', /^session/);
    });

    it('a change of role is answered with a new session on the member’s next request; the old one stops working', async () => {
      const org = await signUp(h.app);
      const { client: m, memberId } = await joinAsMember(h.app, org);
      const sessionsOf = () => h.ctx.store.db.selectFrom('sessions').select(['id', 'role']).where('member_id', '=', memberId).execute();
      expect(await sessionsOf()).toEqual([{ id: tokenHash(m.cookie!), role: 'member' }]);

      const promoted = await org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId }), { role: 'organiser' });
      expect(promoted.statusCode, promoted.body).toBe(200);
      const old = m.cookie!;
      // Not locked out: the next request is served with the new role, on a new session.
      const next = await m.get(pathOf(routeTable.me, {}));
      expect(next.statusCode).toBe(200);
      expect(next.json().member.role).toBe('organiser');
      expect(cookieOf(next, 'massline_session')?.value).toBe(m.cookie);
      expect(m.cookie).not.toBe(old);
      expect(cookieOf(next, 'massline_csrf')?.value).toBe(csrfTokenOf(m.cookie!));
      expect(await sessionsOf()).toEqual([{ id: tokenHash(m.cookie!), role: 'organiser' }]);
      const stale = new Client(h.app);
      stale.cookie = old;
      expect((await stale.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
      // Once renewed, it stays: no new cookie on the request after.
      const after = await m.get(pathOf(routeTable.members, { orgId: org.orgId }));
      expect(after.statusCode).toBe(200);
      expect(cookieOf(after, 'massline_session')).toBeUndefined();

      // Demoted: the next request (a write, with the old session's CSRF value) has the lower role at once, on a new session.
      expect((await org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId }), { role: 'member' })).statusCode).toBe(200);
      const organiserSession = m.cookie!;
      const refused = await m.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Only organisers may' });
      expectRefused(refused, 403, 'forbidden', /^role: /);
      expect(m.cookie).not.toBe(organiserSession);
      expect(await sessionsOf()).toEqual([{ id: tokenHash(m.cookie!), role: 'member' }]);
      stale.cookie = organiserSession;
      expect((await stale.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
      expect((await m.get(pathOf(routeTable.me, {}))).json().member.role).toBe('member');
    });

    it('ends a session idle for longer than the idle timeout, writing “seen” at most once an hour', async () => {
      const start = now;
      try {
        const c = new Client(strict.app, { ip: '10.9.1.1', origin: 'https://massline.example.org' });
        const res = await c.post(pathOf(routeTable.signup, {}), {
          organisation: { name: 'Idle', slug: `idle-${dialect}` },
          displayName: 'A',
          email: 'a@idle.test',
          password: PASSWORD,
        });
        expect(res.statusCode).toBe(201);
        const seenAt = async () =>
          (await strict.ctx.store.db.selectFrom('sessions').select('seen_at').where('id', '=', tokenHash(c.cookie!)).executeTakeFirstOrThrow()).seen_at;
        const first = await seenAt();
        now += 30 * 60_000;
        expect((await c.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
        expect(await seenAt(), 'not written again within the hour').toBe(first);
        now += 6 * 86_400_000;
        expect((await c.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
        expect(Date.parse((await seenAt())!)).toBe(now);
        // Six more days: still within seven of the last visit.
        now += 6 * 86_400_000;
        expect((await c.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
        const token = c.cookie!;
        now += 7 * 86_400_000 + 60_000;
        expect((await c.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
        expect(await strict.ctx.store.db.selectFrom('sessions').select('id').where('id', '=', tokenHash(token)).execute()).toEqual([]);
      } finally {
        now = start;
      }
    });
  });

  describe('security headers', () => {
    const common = (res: LightMyRequestResponse) => ({
      csp: res.headers['content-security-policy'],
      nosniff: res.headers['x-content-type-options'],
      referrer: res.headers['referrer-policy'],
      coop: res.headers['cross-origin-opener-policy'],
      corp: res.headers['cross-origin-resource-policy'],
      frame: res.headers['x-frame-options'],
      hsts: res.headers['strict-transport-security'],
      poweredBy: res.headers['x-powered-by'],
    });
    const expected = {
      csp: "default-src 'self';script-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline'",
      nosniff: 'nosniff',
      referrer: 'no-referrer',
      coop: 'same-origin',
      corp: 'same-origin',
      frame: 'DENY',
      hsts: undefined,
      poweredBy: undefined,
    };

    it('every response carries them: API, errors and the page', async () => {
      const org = await signUp(h.app);
      const responses = {
        api: await org.admin.get(pathOf(routeTable.me, {})),
        unauthenticated: await new Client(h.app).get(pathOf(routeTable.me, {})),
        refused: await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), {}, { origin: FOREIGN }),
        'unknown route': await new Client(h.app).get('/api/nothing-here'),
        page: await new Client(h.app).get('/issues/x'),
      };
      for (const [name, res] of Object.entries(responses)) expect(common(res), name).toEqual(expected);

      const csp = String(responses.api.headers['content-security-policy']);
      const scriptSrc = csp.split(';').find((d) => d.startsWith('script-src'));
      expect(scriptSrc).toBe("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);

      // The page keeps its own cache rule, and runs no inline script (the policy would stop it).
      if (responses.page.statusCode === 200) {
        expect(responses.page.headers['cache-control']).toBe('no-cache');
        expect(responses.page.headers['content-type']).toMatch(/^text\/html/);
      }
      const html = fs.existsSync(path.join(webRoot, 'index.html'))
        ? fs.readFileSync(path.join(webRoot, 'index.html'), 'utf8')
        : fs.readFileSync(path.resolve(import.meta.dirname, '../../src/web/index.html'), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\bsrc=/);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    });

    it('adds HSTS behind HTTPS', async () => {
      const res = await new Client(strict.app).get(pathOf(routeTable.serverHealth, {}));
      expect(common(res)).toEqual({ ...expected, hsts: 'max-age=31536000; includeSubDomains' });
    });
  });

  describe('request limits', () => {
    const origin = 'https://massline.example.org';
    /** A fresh hour on the shared clock: every window of the earlier tests has passed. */
    const nextHour = () => (now += 2 * 3_600_000);

    async function strictOrg(ip: string) {
      const c = new Client(strict.app, { ip, origin });
      const slug = `lim-${dialect}-${ip.replaceAll('.', '-')}`;
      const res = await c.post(pathOf(routeTable.signup, {}), {
        organisation: { name: 'Limits', slug },
        displayName: 'A',
        email: `a@${slug}.test`,
        password: PASSWORD,
      });
      expect(res.statusCode, res.body).toBe(201);
      return { org: { orgId: res.json().organisation.id as string, admin: c }, slug };
    }

    it('the sixth login in a minute from one address is refused for a minute; another address is not; 30 an hour at most', async () => {
      nextHour();
      const { slug } = await strictOrg('10.1.0.1');
      const login = (ip: string, password = 'wrong password') =>
        new Client(strict.app, { ip, origin }).post(pathOf(routeTable.login, {}), { organisation: slug, email: `a@${slug}.test`, password });
      for (let i = 0; i < 5; i++) expect((await login('10.1.0.2')).statusCode).toBe(401);
      const refused = await login('10.1.0.2', PASSWORD);
      expectRefused(refused, 429, 'rate_limited', /^rate limit: at most 5 login attempts in a minute; try again in \d+ s$/);
      const retry = Number(refused.headers['retry-after']);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(refused.json().message).toContain(`in ${retry} s`);
      expect(cookieOf(refused, 'massline_session')).toBeUndefined();
      // Another address logs in.
      expect((await login('10.1.0.3', PASSWORD)).statusCode).toBe(200);
      // A minute later the first address may try again; at 30 in the hour it waits for the hour.
      now += 61_000;
      expect((await login('10.1.0.2', PASSWORD)).statusCode).toBe(200);
      // Seven in this hour so far (the refused one counts too); five a minute up to thirty.
      let attempts = 7;
      now += 61_000;
      while (attempts < 30) {
        for (let i = 0; i < 5 && attempts < 30; i++, attempts++) expect((await login('10.1.0.2')).statusCode).toBe(401);
        now += 61_000;
      }
      const hourly = await login('10.1.0.2', PASSWORD);
      expectRefused(hourly, 429, 'rate_limited', /^rate limit: at most 30 login attempts in an hour; try again in \d+ s$/);
      expect(Number(hourly.headers['retry-after'])).toBeGreaterThan(60);
    });

    it('votes beyond 120 a minute are refused and not written; another member votes on', async () => {
      nextHour();
      const { org } = await strictOrg('10.2.0.1');
      const issueId = await issueOf(org);
      const statementIds: string[] = [];
      for (const text of ['Boilers first', 'Windows first']) {
        const s = await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text });
        expect(s.statusCode, s.body).toBe(201);
        statementIds.push(s.json().id);
      }
      const a = await joinAsMember(strict.app, org);
      const b = await joinAsMember(strict.app, org);
      for (const m of [a, b]) {
        m.client.origin = origin;
        m.client.ip = '10.2.0.9';
      }
      const vote = (c: Client, i: number, value: 1 | -1 | 0) =>
        c.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: statementIds[i % 2]! }), { vote: value });
      for (let i = 0; i < 120; i++) {
        const r = await vote(a.client, i, i % 4 < 2 ? 1 : -1);
        expect(r.statusCode, `vote ${i + 1}: ${r.body}`).toBe(200);
      }
      const refused = await writesNothing(strict, () => vote(a.client, 0, 0), ['sessions']);
      expectRefused(refused, 429, 'rate_limited', /^rate limit: at most 120 votes in a minute; try again in \d+ s$/);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      const mine = await strict.ctx.store.db
        .selectFrom('votes')
        .select('value')
        .where('member_id', '=', a.memberId)
        .where('statement_id', '=', statementIds[0]!)
        .executeTakeFirstOrThrow();
      expect(mine.value).not.toBe(0);
      // The other member, from the same address, is counted on their own.
      expect((await vote(b.client, 0, 1)).statusCode).toBe(200);
      now += 61_000;
      expect((await vote(a.client, 0, 0)).statusCode).toBe(200);
    });

    it('statements: ten an hour per member, organisers exempt; invite links: a limit per address, previews included', async () => {
      nextHour();
      const { org } = await strictOrg('10.3.0.1');
      const issueId = await issueOf(org);
      const url = pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId });
      const member = await joinAsMember(strict.app, org);
      for (let i = 0; i < 10; i++) expect((await member.client.post(url, { text: `Statement ${i + 1}` })).statusCode).toBe(201);
      expectRefused(
        await writesNothing(strict, () => member.client.post(url, { text: 'One too many' }), ['sessions']),
        429,
        'rate_limited',
        /^rate limit: at most 10 statements in an hour/,
      );
      // Organisers seed statements by the dozen.
      for (let i = 0; i < 12; i++) expect((await org.admin.post(url, { text: `Seed statement ${i + 1}` })).statusCode).toBe(201);

      const token = (await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { maxUses: 100 })).json().token as string;
      const visitor = () => new Client(strict.app, { ip: '10.3.0.2', origin });
      for (let i = 0; i < 5; i++) expect((await visitor().get(pathOf(routeTable.invitePreview, { token }))).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await visitor().post(pathOf(routeTable.acceptInvite, { token }), { displayName: `M${i}` })).statusCode).toBe(201);
      expectRefused(await visitor().get(pathOf(routeTable.invitePreview, { token })), 429, 'rate_limited', /^rate limit: at most 10 invite link uses/);
      expectRefused(
        await writesNothing(strict, () => visitor().post(pathOf(routeTable.acceptInvite, { token }), { displayName: 'Late' })),
        429,
        'rate_limited',
        /^rate limit: at most 10 invite link uses/,
      );
      expect(
        (await new Client(strict.app, { ip: '10.3.0.3', origin }).post(pathOf(routeTable.acceptInvite, { token }), { displayName: 'Elsewhere' })).statusCode,
      ).toBe(201);
    });

    it("the model's figures: 60 a minute per member and route, refused beyond with a 429 that says so; another route, another member and the health page's trails go on", async () => {
      nextHour();
      const { org } = await strictOrg('10.4.0.1');
      const issueId = await issueOf(org);
      const a = await joinAsMember(strict.app, org);
      const b = await joinAsMember(strict.app, org);
      for (const m of [a, b]) {
        m.client.origin = origin;
        m.client.ip = '10.4.0.9';
      }
      const health = pathOf(routeTable.health, { orgId: org.orgId });
      for (let i = 0; i < 60; i++) {
        const r = await a.client.get(health);
        expect(r.statusCode, `request ${i + 1}: ${r.body}`).toBe(200);
      }
      const refused = await a.client.get(health);
      expectRefused(refused, 429, 'rate_limited', /^rate limit: at most 60 requests for these figures in a minute; try again in \d+ s$/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Each route counts on its own: the same member's changes and principal contradiction are served.
      expect((await a.client.get(pathOf(routeTable.changes, { orgId: org.orgId }))).statusCode).toBe(200);
      expect((await a.client.get(pathOf(routeTable.principal, { orgId: org.orgId }))).statusCode).toBe(200);
      // Another member, from the same address, is counted on their own.
      expect((await b.client.get(health)).statusCode).toBe(200);
      // The analysis is limited the same way.
      const analysis = pathOf(routeTable.analysis, { orgId: org.orgId, issueId });
      for (let i = 0; i < 60; i++) expect((await b.client.get(analysis)).statusCode).not.toBe(429);
      expectRefused(await b.client.get(analysis), 429, 'rate_limited', /^rate limit: at most 60 requests for these figures in a minute/);
      // The health page asks for every issue's trail at once: more than 60 a minute are served, 600 at most.
      const trail = pathOf(routeTable.healthTrail, { orgId: org.orgId, issueId });
      for (let i = 0; i < 600; i++) {
        const r = await a.client.get(trail);
        if (r.statusCode !== 200) expect.fail(`trail ${i + 1}: ${r.statusCode} ${r.body}`);
      }
      expectRefused(await a.client.get(trail), 429, 'rate_limited', /^rate limit: at most 600 requests for issues' trails in a minute/);
      // A minute later the member is served again.
      now += 61_000;
      expect((await a.client.get(health)).statusCode).toBe(200);
      expect((await a.client.get(trail)).statusCode).toBe(200);
    });

    it('MASSLINE_RATE_LIMITS=off lifts them all', async () => {
      const org = await signUp(h.app);
      const slug = (await org.admin.get(pathOf(routeTable.me, {}))).json().organisation.slug as string;
      for (let i = 0; i < 8; i++)
        expect(
          (await new Client(h.app).post(pathOf(routeTable.login, {}), { organisation: slug, email: `admin@${slug}.test`, password: 'wrong password' }))
            .statusCode,
        ).toBe(401);
    });
  });

  it('invite tokens: 100 distinct tokens of 256 random bits, stored only as their sha-256', async () => {
    const org = await signUp(h.app);
    const tokens: string[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), {});
      expect(r.statusCode).toBe(201);
      tokens.push(r.json().token);
    }
    expect(new Set(tokens).size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(t, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    }
    // Not a counter or a clock: even their first 32 bits all differ (two would match by chance once in ~10^6 runs).
    expect(new Set(tokens.map((t) => Buffer.from(t, 'base64url').subarray(0, 4).toString('hex'))).size).toBe(100);
    const rows = await h.ctx.store.db.selectFrom('invites').selectAll().where('org_id', '=', org.orgId).execute();
    expect(rows).toHaveLength(100);
    const stored = rows.map((r) => JSON.stringify(r));
    for (const t of tokens) expect(stored.some((s) => s.includes(t))).toBe(false);
    expect(new Set(rows.map((r) => r.token_hash))).toEqual(new Set(tokens.map(tokenHash)));
  });

  it('bounds every string and every array a request may carry', async () => {
    interface Schema {
      type?: string | string[];
      maxLength?: number;
      pattern?: string;
      enum?: unknown[];
      const?: unknown;
      maxItems?: number;
      properties?: Record<string, Schema>;
      items?: Schema;
      additionalProperties?: Schema | boolean;
      anyOf?: Schema[];
      oneOf?: Schema[];
      allOf?: Schema[];
    }
    const unbounded: string[] = [];
    // A pattern bounds a string when it is anchored and repeats nothing without an upper bound.
    const boundedPattern = (p: string) => p.startsWith('^') && p.endsWith('$') && !/(?<!\\)[*+]|\{\d+,\}/.test(p);
    const walk = (s: Schema | undefined, where: string) => {
      if (!s) return;
      for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(sub, where);
      const types = [s.type ?? []].flat();
      if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.const === undefined && !(s.pattern && boundedPattern(s.pattern)))
        unbounded.push(`${where}: string`);
      if (types.includes('array') && s.maxItems === undefined) unbounded.push(`${where}: array`);
      if (typeof s.additionalProperties === 'object') unbounded.push(`${where}: open record`);
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`);
      walk(s.items, `${where}[]`);
    };
    const doc = (await new Client(h.app).get(pathOf(routeTable.openapi, {}))).json() as {
      paths: Record<
        string,
        Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
      >;
    };
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const param of op.parameters ?? []) walk(param.schema, `${method.toUpperCase()} ${p} ${param.in}.${param.name}`);
        for (const content of Object.values(op.requestBody?.content ?? {})) walk(content.schema, `${method.toUpperCase()} ${p} body`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(unbounded).toEqual([]);
    // And the body as a whole (bad-input.test.ts sends each route one over the limit).
    expect(h.ctx.config.bodyLimit).toBeLessThanOrEqual(64 * 1024);
  });
});
