/**
 * A server one member cannot stall (issue #15), on every dialect: logins limited per account
 * from every address together and never bought with sessions; one limit shared by every caller
 * of the anonymous routes, keeping nothing about them; public routes per address; a member
 * looping the model's routes refused before any database work; and connections that promise a
 * body (or headers) and trickle it, cut by the configured timeouts.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, startHarness, type Harness } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

const PASSWORD = 'correct horse battery';

function expectLimited(res: LightMyRequestResponse, message: RegExp) {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(message) });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe.each(dialects)('abuse on %s', (dialect) => {
  /** The default limits, on a clock the tests move. */
  let h: Harness;
  let now = Date.parse('2026-05-04T09:00:00Z');
  const clock = () => new Date(now);
  /** A fresh hour: every window of an earlier test has passed. */
  const nextHour = () => (now += 2 * 3_600_000);
  let slugs = 0;

  beforeAll(async () => {
    h = await startHarness(dialect, { clock, rateLimits: 'on' });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function found(ip: string) {
    const slug = `abuse-${dialect}-${++slugs}`;
    const admin = new Client(h.app, { ip });
    const res = await admin.post(pathOf(routeTable.signup, {}), {
      organisation: { name: 'Abuse', slug },
      displayName: 'Admin',
      email: `admin@${slug}.test`,
      password: PASSWORD,
    });
    expect(res.statusCode, res.body).toBe(201);
    return { org: { orgId: res.json().organisation.id as string, admin }, slug, email: `admin@${slug}.test` };
  }
  const login = (ip: string, slug: string, email: string, password: string, via = new Client(h.app, { ip })) =>
    via.post(pathOf(routeTable.login, {}), { organisation: slug, email, password });

  it('login: 140 wrong passwords from 20 addresses are cut at 50 an hour per account, and the right one after them is refused too; another account logs in', async () => {
    nextHour();
    const { slug, email } = await found('10.15.0.1');
    const statuses: number[] = [];
    // Ten a minute, each address once a minute: no address meets its own limit.
    for (let round = 0; round < 14; round++) {
      for (let i = 0; i < 10; i++) statuses.push((await login(`10.15.1.${(round * 10 + i) % 20}`, slug, email, 'wrong password')).statusCode);
      now += 61_000;
    }
    expect(statuses.slice(0, 50)).toEqual(Array<number>(50).fill(401));
    expect(statuses.slice(50)).toEqual(Array<number>(90).fill(429));
    const right = await login('10.15.2.1', slug, email, PASSWORD);
    expectLimited(right, /^rate limit: at most 50 login attempts on one account in an hour; try again in \d+ s$/);
    expect(right.cookies.find((c) => c.name === 'massline_session')).toBeUndefined();
    // The same name differently written is the same account.
    expectLimited(await login('10.15.2.2', slug.toUpperCase(), ` ${email.toUpperCase()}`, PASSWORD), /on one account/);
    const other = await found('10.15.0.2');
    expect((await login('10.15.1.1', other.slug, other.email, PASSWORD)).statusCode).toBe(200);
  });

  it('login: eleven in a minute on one account from eleven addresses: the eleventh is refused', async () => {
    nextHour();
    const { slug, email } = await found('10.16.0.1');
    for (let i = 0; i < 10; i++) expect((await login(`10.16.1.${i}`, slug, email, 'wrong password')).statusCode).toBe(401);
    expectLimited(await login('10.16.1.99', slug, email, PASSWORD), /^rate limit: at most 10 login attempts on one account in a minute; try again in \d+ s$/);
    now += 61_000;
    expect((await login('10.16.1.99', slug, email, PASSWORD)).statusCode).toBe(200);
  });

  it("a session cookie buys no attempts: login and signup count against the address, whoever's session comes with them", async () => {
    nextHour();
    const { org, slug, email } = await found('10.17.0.1');
    const members = [];
    for (let i = 0; i < 10; i++) members.push((await joinAsMember(h.app, org)).client);
    for (const m of members) m.ip = '10.17.0.9';
    for (let i = 0; i < 5; i++) expect((await login('10.17.0.9', slug, email, 'wrong password')).statusCode).toBe(401);
    // Refused from this address, with each of ten sessions, the right password included.
    for (const m of members) expectLimited(await login('10.17.0.9', slug, email, PASSWORD, m), /^rate limit: at most 5 login attempts in a minute/);
    // Sign-ups: five an hour from an address (one made above), sessions or not.
    for (let i = 0; i < 4; i++) {
      members[i]!.ip = '10.17.0.1';
      const s = `abuse-${dialect}-more-${i}`;
      expect(
        (
          await members[i]!.post(pathOf(routeTable.signup, {}), {
            organisation: { name: 'More', slug: s },
            displayName: 'A',
            email: `a@${s}.test`,
            password: PASSWORD,
          })
        ).statusCode,
      ).toBe(201);
    }
    members[4]!.ip = '10.17.0.1';
    expectLimited(
      await members[4]!.post(pathOf(routeTable.signup, {}), {
        organisation: { name: 'More', slug: `abuse-${dialect}-late` },
        displayName: 'A',
        email: 'a@late.test',
        password: PASSWORD,
      }),
      /^rate limit: at most 5 sign-ups in an hour/,
    );
  });

  it('the anonymous routes share one limit for every caller together: twenty a second, whatever the address or cookie', async () => {
    nextHour();
    const { org } = await found('10.18.0.1');
    const receipt = () => pathOf(routeTable.receipt, { orgId: org.orgId, criticismId: randomUUID() });
    for (let i = 0; i < 10; i++) expect((await new Client(h.app, { ip: `10.18.1.${i}` }).get(receipt())).statusCode).toBe(404);
    // A spend with a token that is not one: refused on its own merits while the limit allows.
    const badSpend = (ip: string) =>
      new Client(h.app, { ip }).post(pathOf(routeTable.criticise, { orgId: org.orgId }), {
        token: { epoch: '2026-W19', message: 'AAAA', signature: 'AAAA' },
        target: { kind: 'leadership' },
        text: 'This is a criticism of the leadership.',
      });
    for (let i = 0; i < 10; i++) expect((await badSpend(`10.18.2.${i}`)).statusCode).not.toBe(429);
    // The twenty-first in this second, from a new address, with a session cookie: refused.
    expectLimited(await org.admin.get(receipt()), /^rate limit: at most 20 anonymous requests from everyone together in a second; try again in 1 s$/);
    expectLimited(await badSpend('10.18.3.1'), /anonymous requests from everyone together/);
    // Member routes are not touched by it.
    expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
    now += 1_000;
    expect((await new Client(h.app, { ip: '10.18.3.1' }).get(receipt())).statusCode).toBe(404);
  });

  it('over HTTP, an anonymous request past the shared limit, or a member known to be over theirs, is answered before the application: the same 429 with the same security headers', async () => {
    const fixed = () => new Date('2026-05-04T09:00:00Z');
    const served = await startHarness(dialect, { clock: fixed, rateLimits: 'anonymous=2/1s,model=2/1m' });
    try {
      const address = await served.app.listen({ port: 0, host: '127.0.0.1' });
      const signup = await new Client(served.app).post(pathOf(routeTable.signup, {}), {
        organisation: { name: 'Raw', slug: `raw-${dialect}` },
        displayName: 'A',
        email: 'a@raw.test',
        password: PASSWORD,
      });
      const orgId = signup.json().organisation.id as string;
      const receipt = `${address}${pathOf(routeTable.receipt, { orgId, criticismId: randomUUID() })}`;
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await fetch(receipt));
      expect(answers.map((r) => r.status)).toEqual([404, 404, 429]);
      const refused = answers[2]!;
      expect(await refused.json()).toEqual({
        error: 'rate_limited',
        message: 'rate limit: at most 2 anonymous requests from everyone together in a second; try again in 1 s',
      });
      expect(refused.headers.get('retry-after')).toBe('1');
      for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options'])
        expect(refused.headers.get(name), name).toBe(answers[0]!.headers.get(name));
      // A spend (with its body) is refused the same way, and the connection serves the next request.
      const spend = await fetch(`${address}${pathOf(routeTable.criticise, { orgId })}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text":"x"}',
      });
      expect(spend.status).toBe(429);
      expect((await fetch(`${address}${pathOf(routeTable.serverHealth, {})}`)).status).toBe(200);

      const org = { orgId, admin: new Client(served.app) };
      org.admin.cookie = signup.cookies.find((c) => c.name === 'massline_session')!.value;
      org.admin.csrf = signup.cookies.find((c) => c.name === 'massline_csrf')!.value;
      const member = await joinAsMember(served.app, org);
      const health = () => fetch(`${address}${pathOf(routeTable.health, { orgId })}`, { headers: { cookie: `massline_session=${member.client.cookie}` } });
      expect([(await health()).status, (await health()).status]).toEqual([200, 200]);
      expect(await (await health()).json()).toEqual({
        error: 'rate_limited',
        message: expect.stringMatching(/^rate limit: at most 2 requests for these figures in a minute; try again in \d+ s$/),
      });
      // Refused before the session is looked up: with the session gone, still 429, not 401.
      await served.ctx.store.db.deleteFrom('sessions').where('member_id', '=', member.memberId).execute();
      const early = await health();
      expect(early.status).toBe(429);
      expect(early.headers.get('x-content-type-options')).toBe('nosniff');
      expect(
        (await fetch(`${address}${pathOf(routeTable.issues, { orgId })}`, { headers: { cookie: `massline_session=${member.client.cookie}` } })).status,
      ).toBe(401);
    } finally {
      await served.close();
    }
  });

  it('a member looping the model routes meets a 429 on each, refused before the session is looked up; another member is served', async () => {
    nextHour();
    const { org } = await found('10.19.0.1');
    const issue = await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Repairs', description: 'What first?' });
    expect(issue.statusCode, issue.body).toBe(201);
    const issueId = issue.json().id as string;
    const looper = await joinAsMember(h.app, org);
    const other = await joinAsMember(h.app, org);
    const { orgId } = org;
    const routes = [
      pathOf(routeTable.health, { orgId }),
      pathOf(routeTable.changes, { orgId }),
      pathOf(routeTable.principal, { orgId }),
      pathOf(routeTable.myInput, { orgId }),
      pathOf(routeTable.analysis, { orgId, issueId }),
      pathOf(routeTable.themes, { orgId, issueId }),
      pathOf(routeTable.unitedFront, { orgId, issueId }),
    ];
    for (const url of routes) {
      for (let i = 0; i < 60; i++) {
        const r = await looper.client.get(url);
        if (r.statusCode === 429) expect.fail(`${url}, request ${i + 1}: ${r.body}`);
      }
      expectLimited(await looper.client.get(url), /^rate limit: at most 60 requests for these figures in a minute/);
    }
    const trail = pathOf(routeTable.healthTrail, { orgId, issueId });
    for (let i = 0; i < 600; i++) if ((await looper.client.get(trail)).statusCode === 429) expect.fail(`trail ${i + 1}`);
    expectLimited(await looper.client.get(trail), /^rate limit: at most 600 requests for issues' trails in a minute/);
    expect((await other.client.get(routes[0]!)).statusCode).toBe(200);

    // The looper's session ended behind the server's back: a limited route is still refused with
    // 429, not 401, because the refusal came before the session was looked up; a route with room
    // left looks the session up and finds none.
    await h.ctx.store.db.deleteFrom('sessions').where('member_id', '=', looper.memberId).execute();
    expectLimited(await looper.client.get(routes[0]!), /these figures/);
    expect((await looper.client.get(pathOf(routeTable.issues, { orgId }))).statusCode).toBe(401);
    // Remembering a session's member only ever refuses: once the window has passed, the lookup answers.
    now += 61_000;
    expect((await looper.client.get(routes[0]!)).statusCode).toBe(401);
  });

  it('public routes count per address, and so do member routes asked without a session; logout is never refused', async () => {
    nextHour();
    const limited = await startHarness(dialect, { clock, rateLimits: 'public=20/1m' });
    try {
      const from = (ip: string) => new Client(limited.app, { ip });
      for (let i = 0; i < 10; i++) expect((await from('10.20.0.1').get(pathOf(routeTable.serverHealth, {}))).statusCode).toBe(200);
      for (let i = 0; i < 10; i++)
        expect((await from('10.20.0.1').get(pathOf(routeTable.issues, { orgId: '00000000-0000-4000-8000-000000000000' }))).statusCode).toBe(401);
      expectLimited(
        await from('10.20.0.1').get(pathOf(routeTable.serverHealth, {})),
        /^rate limit: at most 20 requests from one address in a minute; try again in \d+ s$/,
      );
      expectLimited(await from('10.20.0.1').get(pathOf(routeTable.openapi, {})), /from one address/);
      expect((await from('10.20.0.2').get(pathOf(routeTable.serverHealth, {}))).statusCode).toBe(200);
      for (let i = 0; i < 30; i++) expect((await from('10.20.0.1').post(pathOf(routeTable.logout, {}))).statusCode).toBe(204);
    } finally {
      await limited.close();
    }
  });

  it('a request that promises a body and trickles it, or never ends its headers, is cut by the configured timeouts; one refused by a limit is not waited for', async () => {
    const short = await startHarness(dialect, { rateLimits: 'login=1/1m', env: { MASSLINE_REQUEST_TIMEOUT_MS: '600', MASSLINE_HEADERS_TIMEOUT_MS: '300' } });
    try {
      const address = await short.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      /** Send `text`, then nothing: what the server answers before it closes the connection. */
      const trickle = (text: string) =>
        new Promise<string>((resolve, reject) => {
          let answer = '';
          const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
          socket.setEncoding('utf8');
          socket.on('data', (d: string) => (answer += d));
          socket.on('error', reject);
          socket.on('close', () => resolve(answer));
        });
      const slowLogin = `POST ${pathOf(routeTable.login, {})} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"organ`;
      const [body, headers] = await Promise.all([
        trickle(slowLogin),
        trickle(`GET ${pathOf(routeTable.serverHealth, {})} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `),
      ]);
      expect(body).toMatch(/^HTTP\/1\.1 408 /);
      expect(headers).toMatch(/^HTTP\/1\.1 408 /);
      // The second login this minute is refused before its body is read; a large one is not waited for.
      const refused = await trickle(slowLogin.replace('Content-Length: 1000', 'Content-Length: 20000'));
      expect(refused).toMatch(/^HTTP\/1\.1 429 [^]*\r\nconnection: close\r\n/i);
    } finally {
      await short.close();
    }
  }, 30_000);
});
