/**
 * The authorization matrix (../shared/docs/research/reliability.md §3.4), on every dialect:
 * every route the running app registers × every principal × the organisation whose ids the
 * request names, each request otherwise valid.
 *
 * - The routes come from the app itself: an onRoute hook is put on every Fastify instance as it
 *   is made, before any route registers, so routes hidden from the OpenAPI document count too.
 *   A route without a row in the hand-written expectation (./expected-access.ts) fails, and so
 *   does a row without a route.
 * - Principals: an anonymous visitor; of organisation A, someone holding an invite link who has
 *   not joined, a member, an organiser, an admin; the same of organisation B.
 * - Tenancy: the caller's own organisation; the other's in the path; the other's resource ids
 *   under the caller's own organisation path; the other's ids in the body.
 * - Expected: allowed → the route's 2xx; no session → 401; the other organisation → 404; too
 *   low a role → 403 (the role is checked before any id is looked up, so the answer says nothing
 *   about the id); never 2xx or 403 for the other organisation's ids.
 * - Every response body is scanned: no key naming a password, hash, session, token, cookie or
 *   e-mail (except a new invite's token, to its maker); no stored secret (session ids, token
 *   hashes, password hashes, e-mail addresses, session and invite tokens) anywhere in the text;
 *   on a route that needs a session, no id of the other organisation the request did not name
 *   itself; and, to anyone but the organisation's organisers, no id of what members may not see
 *   (drafts, statements awaiting moderation or rejected).
 * - Requests expected to be refused are sent together per route, between two fingerprints of
 *   every table: nothing may change.
 * Then CSRF: every cookie-authenticated write without its token, with a wrong one, or from a
 * foreign origin (Origin, Sec-Fetch-Site) is refused with 403 and writes nothing, while the same
 * request from this origin with its token goes through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type * as FastifyModule from 'fastify';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { changedTables, fingerprint, tableNames } from '../_util/tables.js';
import { criticise, currentKey, fetchTokens } from '../_util/criticism.js';
import { requestTokens, type CriticismToken } from '../../src/contract/criticism-tokens.js';
import { expectedAccess, type ExpectedAccess, type Principal } from './expected-access.js';
import { byRouteKey, pathOf, routeKey, routeTable, type RouteName } from '../_util/routes.js';

/** Every route as Fastify registers it, seen by a hook put on each instance before its routes. */
const inventory = vi.hoisted(() => ({ routes: [] as { method: string; url: string }[] }));
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof FastifyModule>();
  const make = real.default as unknown as (...args: unknown[]) => FastifyInstance;
  const watched = (...args: unknown[]) => {
    const app = make(...args);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) inventory.routes.push({ method, url: route.url });
    });
    return app;
  };
  return { ...real, default: watched, fastify: watched };
});

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Role = 'member' | 'organiser' | 'admin';
const roles: readonly Role[] = ['member', 'organiser', 'admin'];
const isRole = (p: Principal): p is Role => (roles as readonly string[]).includes(p);
const PASSWORD = 'correct horse battery';
const unique = () => randomBytes(5).toString('hex');

/** A session as a browser holds it: the HttpOnly cookie and the readable CSRF value beside it. */
interface Session {
  cookie: string;
  csrf: string | undefined;
}
const sessionOf = (c: Client): Session => {
  if (!c.cookie) throw new Error('the client holds no session');
  return { cookie: c.cookie, csrf: c.csrf };
};

/** One organisation with something of every kind, built through the API. */
interface World {
  name: 'A' | 'B';
  slug: string;
  orgId: string;
  adminEmail: string;
  admin: Client;
  sessions: Record<Role, Session>;
  /** The link held by the invitee, with uses to spare. */
  inviteToken: string;
  /** A plain member the admin edits; author of the statement awaiting moderation. */
  targetMemberId: string;
  /** An issue through a whole cycle: a published line, now in test, with an action, a report and a newer draft. */
  issueId: string;
  statementId: string;
  publishedVersionId: string;
  claimId: string;
  draftVersionId: string;
  actionId: string;
  reportId: string;
  /** An issue still gathering, with a statement to vote on and one to moderate. */
  gatherIssueId: string;
  gatherStatementId: string;
  moderationStatementId: string;
  /** A published criticism of the issue. */
  criticismId: string;
  /** This epoch's blind-signing key. */
  criticismEpoch: { epoch: string; publicKey: string };
  /** Ids a plain member may not see: drafts and their claims, statements awaiting moderation or rejected. */
  hiddenFromMembers: string[];
  /** Ids nobody may see unasked: criticism not yet published (only its receipt names it). */
  hiddenFromAll: string[];
  freshIssue(): Promise<string>;
  /** A new statement on the gathering issue (a duplicate to merge). */
  freshStatement(): Promise<string>;
  /** An unspent criticism token of this organisation. */
  freshToken(): Promise<CriticismToken>;
  freshInvite(): Promise<string>;
  publishableDraft(): Promise<string>;
  /** A new session of a member of this role (for requests that end or replace the caller's session). */
  freshSession(role: Role): Promise<Session>;
}

/** Whose ids a request names: the path's organisation, the other path ids, the ids in the body. */
interface Scope {
  org: World;
  ids: World;
  refs: World;
}
type Tenancy = 'own' | 'foreign' | 'foreign-ids' | 'foreign-refs' | 'none';

interface ValidRequest {
  /** Path parameters other than orgId (which is the scope's organisation). */
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** The whole URL, for the pages (outside the API). */
  url?: string;
}

interface RouteRequest {
  /** The status of the request when allowed. */
  ok: number;
  /** A valid request in this scope (with fresh resources where the request uses its target up). */
  build(s: Scope): ValidRequest | Promise<ValidRequest>;
  /** The body names ids of the organisation: a 'foreign-refs' case swaps them for the other's. */
  refs?: boolean;
  /** The request ends or replaces the caller's session: each call gets a session of its own. */
  endsSession?: boolean;
  /** The answer is an endless stream (Server-Sent Events): its opening is read, then the connection dropped. */
  stream?: boolean;
}

const webRoot = path.resolve(import.meta.dirname, '../../dist/web');
function anAsset(): string {
  const dir = path.join(webRoot, 'assets');
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.endsWith('.js')) : undefined;
  if (!file) throw new Error('dist/web/assets holds no script: build the pages first (npm run build)');
  return file;
}

/** A valid request for every route the app registers here (the theme summary only exists with a model endpoint configured). */
const requestsByRoute: Record<Exclude<RouteName, 'themeSummary'>, RouteRequest> = {
  signup: {
    ok: 201,
    endsSession: true,
    build: () => {
      const slug = `new-${unique()}`;
      return { body: { organisation: { name: 'A new union', slug }, displayName: 'Founder', email: `founder@${slug}.test`, password: PASSWORD } };
    },
  },
  login: { ok: 200, endsSession: true, build: (s) => ({ body: { organisation: s.org.slug, email: s.org.adminEmail, password: PASSWORD } }) },
  logout: { ok: 204, endsSession: true, build: () => ({}) },
  me: { ok: 200, build: () => ({}) },

  organisation: { ok: 200, build: () => ({}) },
  updateOrganisation: { ok: 200, build: () => ({ body: { name: `Union ${unique()}` } }) },
  members: { ok: 200, build: () => ({ query: 'limit=50' }) },
  updateMember: { ok: 200, build: (s) => ({ params: { memberId: s.ids.targetMemberId }, body: { constituency: 'north' } }) },
  createInvite: { ok: 201, build: () => ({ body: { role: 'member', maxUses: 3 } }) },
  invites: { ok: 200, build: () => ({}) },
  revokeInvite: { ok: 204, build: async (s) => ({ params: { inviteId: await s.ids.freshInvite() } }) },
  invitePreview: { ok: 200, build: (s) => ({ params: { token: s.org.inviteToken } }) },
  acceptInvite: { ok: 201, endsSession: true, build: (s) => ({ params: { token: s.org.inviteToken }, body: { displayName: 'Newcomer' } }) },

  issues: { ok: 200, build: () => ({}) },
  createIssue: { ok: 201, build: () => ({ body: { title: 'Bins', description: 'Who empties them?' } }) },
  issue: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  advanceCycle: { ok: 200, build: async (s) => ({ params: { issueId: await s.ids.freshIssue() }, body: { note: 'enough gathered' } }) },
  submitStatement: { ok: 201, build: (s) => ({ params: { issueId: s.ids.gatherIssueId }, body: { text: `Meet every ${unique()}` } }) },
  moderate: { ok: 200, build: (s) => ({ params: { statementId: s.ids.moderationStatementId }, body: { status: 'accepted' } }) },
  vote: { ok: 200, build: (s) => ({ params: { statementId: s.ids.gatherStatementId }, body: { vote: 1 } }) },
  analysis: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  nextStatement: { ok: 200, build: (s) => ({ params: { issueId: s.ids.gatherIssueId } }) },
  similar: { ok: 200, build: (s) => ({ params: { issueId: s.ids.gatherIssueId }, query: 'text=meet%20on%20thursday' }) },
  merge: {
    ok: 200,
    refs: true,
    build: async (s) => ({ params: { statementId: await s.ids.freshStatement() }, body: { into: s.refs.gatherStatementId } }),
  },
  themes: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },

  line: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  createDraft: {
    ok: 201,
    refs: true,
    build: (s) => ({
      params: { issueId: s.ids.issueId },
      body: { claims: [{ text: 'Repairs before any increase', cites: [{ kind: 'statement', ref: s.refs.statementId }] }] },
    }),
  },
  updateDraft: {
    ok: 200,
    refs: true,
    build: (s) => ({
      params: { versionId: s.ids.draftVersionId },
      body: { claims: [{ text: 'Repairs, then rent talks', cites: [{ kind: 'report', ref: s.refs.reportId }] }] },
    }),
  },
  publish: { ok: 200, build: async (s) => ({ params: { versionId: await s.ids.publishableDraft() } }) },
  endorse: { ok: 200, build: (s) => ({ params: { versionId: s.ids.publishedVersionId }, body: { kind: 'critique', text: 'Too timid' } }) },
  embrace: { ok: 200, build: (s) => ({ params: { versionId: s.ids.publishedVersionId } }) },

  createAction: { ok: 201, build: (s) => ({ params: { issueId: s.ids.issueId }, body: { title: 'Leaflet every block' } }) },
  actions: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  joinAction: { ok: 200, build: (s) => ({ params: { actionId: s.ids.actionId } }) },
  leaveAction: { ok: 200, build: (s) => ({ params: { actionId: s.ids.actionId } }) },
  fileReport: {
    ok: 201,
    refs: true,
    build: (s) => ({
      params: { issueId: s.ids.issueId },
      body: { actionId: s.refs.actionId, claimId: s.refs.claimId, verdict: 'mixed', whatDone: 'We leafleted', whatHappened: 'Half the blocks came' },
    }),
  },
  reports: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },

  markImportant: { ok: 204, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  unmarkImportant: { ok: 204, build: (s) => ({ params: { issueId: s.ids.gatherIssueId } }) },
  markBlocks: { ok: 204, refs: true, build: (s) => ({ params: { issueId: s.ids.issueId }, body: { blocks: s.refs.gatherIssueId } }) },
  unmarkBlocks: { ok: 204, build: (s) => ({ params: { issueId: s.ids.gatherIssueId, blockedId: s.ids.issueId } }) },
  marks: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  resolve: {
    ok: 200,
    build: async (s) => ({ params: { issueId: await s.ids.freshIssue() }, body: { successors: [{ title: 'What the repairs left open' }] } }),
  },
  health: { ok: 200, build: () => ({}) },
  healthTrail: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  whatIf: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId }, query: 'everyWeeks=2&members=20' }) },
  changes: { ok: 200, build: () => ({}) },
  principal: { ok: 200, build: () => ({}) },
  unitedFront: { ok: 200, build: (s) => ({ params: { issueId: s.ids.issueId } }) },
  myInput: { ok: 200, build: () => ({}) },

  criticismEpoch: { ok: 200, build: () => ({}) },
  criticismTokens: {
    ok: 200,
    build: async (s) => ({
      body: { epoch: s.org.criticismEpoch.epoch, blinded: (await requestTokens(s.org.criticismEpoch.epoch, s.org.criticismEpoch.publicKey, 1)).blinded },
    }),
  },
  criticise: {
    ok: 201,
    refs: true,
    build: async (s) => ({
      body: { token: await s.org.freshToken(), target: { kind: 'issue', issueId: s.refs.issueId }, text: `Decided without asking us (${unique()}).` },
    }),
  },
  criticismKeys: { ok: 200, build: () => ({}) },
  receipt: { ok: 200, build: (s) => ({ params: { criticismId: s.ids.criticismId } }) },
  criticisms: { ok: 200, build: () => ({}) },
  second: { ok: 200, build: (s) => ({ params: { criticismId: s.ids.criticismId } }) },
  unsecond: { ok: 200, build: (s) => ({ params: { criticismId: s.ids.criticismId } }) },
  answerCriticism: { ok: 201, build: (s) => ({ params: { criticismId: s.ids.criticismId }, body: { text: 'We hear you; it goes to the next meeting.' } }) },
  live: { ok: 200, stream: true, build: () => ({}) },

  openapi: { ok: 200, build: () => ({}) },
  serverHealth: { ok: 200, build: () => ({}) },
  assets: { ok: 200, build: () => ({ url: `/assets/${anAsset()}` }) },
  page: { ok: 200, build: () => ({ url: '/issues/some-issue' }) },
};
const requests = byRouteKey(requestsByRoute);

/**
 * Domain answers that are not about access, allowed in place of the 2xx for an allowed caller.
 * None is needed today: every valid request above succeeds for everyone it is meant for.
 */
const domainExceptions: Record<string, { status: number; why: string }> = byRouteKey<{ status: number; why: string }>({});

const templateOf = (key: string) => key.slice(key.indexOf(' ') + 1);
const paramNames = (key: string) => [...templateOf(key).matchAll(/:(\w+)/g)].map((m) => m[1]!);

function tenanciesOf(key: string): Tenancy[] {
  const names = paramNames(key);
  if (names.includes('orgId')) {
    const out: Tenancy[] = ['own', 'foreign'];
    if (names.length > 1) out.push('foreign-ids');
    if (requests[key]?.refs) out.push('foreign-refs');
    return out;
  }
  // A link or a login names an organisation too: its own or the other.
  if (names.includes('token') || key === routeKey('login')) return ['own', 'foreign'];
  return ['none'];
}

interface Caller {
  label: string;
  kind: Principal;
  home: World;
  session(fresh: boolean): Promise<Session | undefined>;
}

interface Case {
  key: string;
  method: Method;
  caller: Caller;
  tenancy: Tenancy;
  expected: number;
  url: string;
  body: unknown;
  session: Session | undefined;
}

/**
 * What the matrix expects. A route open to anyone answers alike whoever calls, in whichever
 * organisation's path; otherwise no session → 401, another organisation → 404, too low a role →
 * 403. Either way, ids of another organisation than the path's are not found.
 */
function expectedStatus(access: ExpectedAccess, kind: Principal, tenancy: Tenancy, ok: number): number {
  const open = access.may.includes('anonymous');
  if (!open && !isRole(kind)) return 401;
  if (!open && tenancy === 'foreign') return 404;
  if (!open && !access.may.includes(kind)) return 403;
  if (tenancy === 'foreign-ids' || tenancy === 'foreign-refs') return 404;
  return ok;
}

/** Response fields that name a secret (a route may reveal some on purpose: `reveals`). */
const forbiddenKey = /password|hash|secret|private|session|cookie|e-?mail|csrf|^token$/i;
/** Columns whose values must never leave the server. */
const secretColumn = /^(email|password_hash|token_hash|private_key)$/;

/** Keys of a JSON value, at any depth. */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      keysOf(v, out);
    }
  }
  return out;
}

describe.each(dialects)('authorization matrix on %s', (dialect) => {
  let h: Harness;
  // Monday morning; criticism written today is published tomorrow at 18:00 UTC, when the matrix runs.
  const T0 = Date.parse('2026-03-02T09:00:00Z');
  const T1 = Date.parse('2026-03-03T19:00:00Z');
  let now = T0;
  let a: World;
  let b: World;
  let callers: Caller[] = [];
  let tables: string[] = [];
  let registered: string[] = [];
  /** Session tokens and invite tokens handed out while building and running the matrix. */
  const handedOut = new Set<string>();
  const tally = { cases: 0, routes: 0, leaks: 0, failures: 0, rejected: 0, rowsChanged: 0 };
  const leaks: string[] = [];

  const other = (w: World) => (w === a ? b : a);

  async function world(name: 'A' | 'B'): Promise<World> {
    const app = h.app;
    const slug = `matrix-${name.toLowerCase()}-${dialect}`;
    const org = await signUp(app, slug);
    const base = pathOf(routeTable.organisation, { orgId: org.orgId });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<LightMyRequestResponse>, status: number): Promise<any> => {
      const r = await p;
      if (r.statusCode !== status) throw new Error(`fixture ${name}: expected ${status}, got ${r.statusCode} ${r.body}`);
      return r.body ? r.json() : null;
    };
    const organiser = await joinAsMember(app, org, 'organiser');
    const member = await joinAsMember(app, org);
    const target = await joinAsMember(app, org);
    const statement = async (issueId: string, text: string, by: Client = org.admin) =>
      (await ok(by.post(`${base}/issues/${issueId}/statements`, { text }), 201)).id as string;
    const vote = (by: Client, statementId: string, value: 1 | -1 | 0) => ok(by.put(`${base}/statements/${statementId}/vote`, { vote: value }), 200);
    const freshIssue = async () => (await ok(org.admin.post(`${base}/issues`, { title: 'Another question' }), 201)).id as string;

    // The whole cycle on one issue: gather, concentrate, propagate, test.
    const issueId = (await ok(org.admin.post(`${base}/issues`, { title: 'Rent', description: 'What do we demand?' }), 201)).id as string;
    const statementId = await statement(issueId, 'Freeze the rent');
    const heating = await statement(issueId, 'Fix the heating first');
    for (const [i, voter] of [member.client, organiser.client, target.client].entries()) {
      await vote(voter, statementId, 1);
      await vote(voter, heating, i === 1 ? -1 : 1);
    }
    const awaiting = await statement(issueId, 'Withhold the rent now', target.client);
    const rejected = await statement(issueId, 'Something off topic');
    await ok(org.admin.patch(`${base}/statements/${rejected}`, { status: 'rejected' }), 200);
    await ok(org.admin.post(`${base}/issues/${issueId}/cycle/advance`, { note: 'enough gathered' }), 200);
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issueId);
    const first = await ok(
      org.admin.post(`${base}/issues/${issueId}/line/drafts`, {
        claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: statementId }] }],
      }),
      201,
    );
    const published = await ok(org.admin.post(`${base}/line-versions/${first.id}/publish`), 200);
    await ok(member.client.put(`${base}/line-versions/${first.id}/endorsement`, { kind: 'embrace' }), 200);
    await ok(org.admin.post(`${base}/issues/${issueId}/cycle/advance`, {}), 200);
    const actionId = (await ok(org.admin.post(`${base}/issues/${issueId}/actions`, { title: 'Ballot every block' }), 201)).id as string;
    const claimId = published.claims[0].id as string;
    const report = await ok(
      member.client.post(`${base}/issues/${issueId}/reports`, {
        actionId,
        claimId,
        verdict: 'confirms',
        whatDone: 'We balloted every block',
        whatHappened: 'The landlord fixed the boilers',
      }),
      201,
    );
    const draft = await ok(
      org.admin.post(`${base}/issues/${issueId}/line/drafts`, { claims: [{ text: 'Repairs, then talks', cites: [{ kind: 'report', ref: report.id }] }] }),
      201,
    );
    await ok(member.client.put(`${base}/issues/${issueId}/importance`), 204);

    // An issue still gathering.
    const gatherIssueId = (await ok(org.admin.post(`${base}/issues`, { title: 'Meetings' }), 201)).id as string;
    const gatherStatementId = await statement(gatherIssueId, 'Meet on Thursdays');
    const moderationStatementId = await statement(gatherIssueId, 'Meet in the laundry room');
    await vote(member.client, gatherStatementId, 0);
    await ok(org.admin.post(`${base}/issues/${gatherIssueId}/blocks`, { blocks: issueId }), 204);
    // A resolved issue with a successor.
    await ok(org.admin.post(`${base}/issues/${await freshIssue()}/resolve`, { successors: [{ title: 'After the meetings' }] }), 200);

    // Invites: the invitee's link, and a revoked one.
    const invite = await ok(org.admin.post(`${base}/invites`, { maxUses: 100_000 }), 201);
    const revoked = await ok(org.admin.post(`${base}/invites`, {}), 201);
    await ok(org.admin.delete(`${base}/invites/${revoked.id}`), 204);
    handedOut.add(invite.token).add(revoked.token);

    // Criticism: a token pool filled by members who join for it (each has a quota), one criticism spent.
    const pool: CriticismToken[] = [];
    const freshToken = async () => {
      if (pool.length === 0) pool.push(...(await fetchTokens((await joinAsMember(app, org)).client, org.orgId, 5)));
      return pool.pop()!;
    };
    const spent = await ok(
      criticise(app, org.orgId, await freshToken(), 'The rent demand was decided without the tenants of block C.', { kind: 'issue', issueId }),
      201,
    );
    const criticismEpoch = await ok(member.client.get(`${base}/criticism/epoch`), 200);

    const sessions = { member: sessionOf(member.client), organiser: sessionOf(organiser.client), admin: sessionOf(org.admin) };
    for (const s of Object.values(sessions)) handedOut.add(s.cookie);
    return {
      name,
      slug,
      orgId: org.orgId,
      adminEmail: `admin@${slug}.test`,
      admin: org.admin,
      sessions,
      inviteToken: invite.token,
      targetMemberId: target.memberId,
      issueId,
      statementId,
      publishedVersionId: first.id,
      claimId,
      draftVersionId: draft.id,
      actionId,
      reportId: report.id,
      gatherIssueId,
      gatherStatementId,
      moderationStatementId,
      criticismId: spent.id,
      criticismEpoch: { epoch: currentKey(criticismEpoch).epoch, publicKey: currentKey(criticismEpoch).publicKey },
      hiddenFromMembers: [awaiting, rejected, draft.id, ...draft.claims.map((c: { id: string }) => c.id)],
      hiddenFromAll: [],
      freshIssue,
      freshStatement: () => statement(gatherIssueId, `Meet on Thursdays, please (${unique()})`),
      freshToken,
      async freshInvite() {
        return (await ok(org.admin.post(`${base}/invites`, {}), 201)).id as string;
      },
      async publishableDraft() {
        const id = await freshIssue();
        const s = await statement(id, 'Organise every block');
        await vote(member.client, s, 1);
        await ok(org.admin.post(`${base}/issues/${id}/cycle/advance`, {}), 200);
        await h.ctx.jobs.analyses.analyzeNow(org.orgId, id);
        return (
          await ok(
            org.admin.post(`${base}/issues/${id}/line/drafts`, { claims: [{ text: 'Every block organised', cites: [{ kind: 'statement', ref: s }] }] }),
            201,
          )
        ).id as string;
      },
      async freshSession(role) {
        const c = new Client(app);
        if (role === 'admin') await ok(c.post(pathOf(routeTable.login, {}), { organisation: slug, email: `admin@${slug}.test`, password: PASSWORD }), 200);
        else
          await ok(
            c.post(
              pathOf(routeTable.acceptInvite, {
                token: (await ok(org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { role }), 201)).token,
              }),
              { displayName: `Another ${role}` },
            ),
            201,
          );
        const s = sessionOf(c);
        handedOut.add(s.cookie);
        return s;
      },
    };
  }

  function callersOf(w: World): Caller[] {
    return [
      { label: `invitee of ${w.name}`, kind: 'invitee', home: w, session: async () => undefined },
      ...roles.map((role): Caller => ({
        label: `${role} of ${w.name}`,
        kind: role,
        home: w,
        session: async (fresh) => (fresh ? w.freshSession(role) : w.sessions[role]),
      })),
    ];
  }

  async function send(
    method: Method,
    url: string,
    session: Session | undefined,
    body: unknown,
    headers: Record<string, string> = {},
    stream = false,
  ): Promise<LightMyRequestResponse> {
    if (method === 'GET' && stream) return openingOf(url, session);
    if (method === 'HEAD') {
      const cookie = session ? { cookie: `massline_session=${session.cookie}${session.csrf ? `; massline_csrf=${session.csrf}` : ''}` } : {};
      return h.app.inject({ method, url, headers: { ...cookie, ...headers } });
    }
    const c = new Client(h.app);
    c.cookie = session?.cookie;
    c.csrf = session?.csrf;
    return c.req(method, url, body, headers);
  }

  /**
   * A stream's answer up to its first event (or the whole answer, when refused), as if that were
   * the body; then the connection is dropped, as a browser leaving the page would.
   */
  async function openingOf(url: string, session: Session | undefined): Promise<LightMyRequestResponse> {
    const cookie = session ? { cookie: `massline_session=${session.cookie}${session.csrf ? `; massline_csrf=${session.csrf}` : ''}` } : {};
    const res = await h.app.inject({ method: 'GET', url, headers: cookie, payloadAsStream: true });
    let text = '';
    for await (const chunk of res.stream()) {
      text += String(chunk);
      if (/\nevent: ready\n[^]*?\n\n/.test(text)) break;
    }
    (res.raw.res as { destroy(): void }).destroy();
    return Object.assign(res, { body: text, payload: text, json: () => JSON.parse(text) as unknown });
  }

  /** Every id of each organisation's rows, and every stored secret, as they stand now. */
  async function idsAndSecrets(): Promise<{ idsOf: Map<string, Set<string>>; secrets: Set<string> }> {
    const db = h.ctx.store.db;
    const idsOf = new Map<string, Set<string>>([
      [a.orgId, new Set([a.orgId])],
      [b.orgId, new Set([b.orgId])],
    ]);
    const meta = await db.introspection.getTables();
    for (const t of meta) {
      const columns = new Set(t.columns.map((c) => c.name));
      if (!columns.has('id') || !columns.has('org_id')) continue;
      const rows = (await db
        .selectFrom(t.name as 'issues')
        .select(['id', 'org_id'])
        .where('org_id', 'in', [a.orgId, b.orgId])
        .execute()) as { id: string; org_id: string }[];
      for (const r of rows) idsOf.get(r.org_id)!.add(String(r.id));
    }
    const secrets = new Set<string>(handedOut);
    for (const t of meta) {
      // A session's id is the hash of its token.
      const columns = t.columns.map((c) => c.name).filter((c) => secretColumn.test(c) || (t.name === 'sessions' && c === 'id'));
      if (columns.length === 0) continue;
      const rows = (await db
        .selectFrom(t.name as 'members')
        .select(columns as 'email'[])
        .execute()) as Record<string, unknown>[];
      for (const r of rows) for (const v of Object.values(r)) if (typeof v === 'string' && v.length >= 6) secrets.add(v);
    }
    return { idsOf, secrets };
  }

  /** What is wrong with a response beyond its status: fields and values it must not carry. */
  function bodyFaults(
    c: Case,
    res: LightMyRequestResponse,
    access: ExpectedAccess,
    known: { idsOf: Map<string, Set<string>>; secrets: Set<string> },
  ): string[] {
    const out: string[] = [];
    const text = res.body;
    if (access.readsNoCookie && res.headers['set-cookie'] !== undefined)
      out.push(`sets a cookie on a route that reads none: ${String(res.headers['set-cookie'])}`);
    if (!text) return out;
    const sent = `${c.url} ${c.body === undefined ? '' : JSON.stringify(c.body)}`;
    if ((res.headers['content-type'] ?? '').toString().includes('json') && !access.reveals?.includes('*')) {
      const bad = keysOf(JSON.parse(text)).filter((k) => forbiddenKey.test(k) && !access.reveals?.includes(k));
      if (bad.length) out.push(`carries the field(s) ${[...new Set(bad)].join(', ')}`);
    }
    for (const s of known.secrets) if (text.includes(s) && !sent.includes(s)) out.push(`carries a stored secret (${s.slice(0, 6)}…)`);
    if (!access.may.includes('anonymous') && isRole(c.caller.kind)) {
      const theirs = [...known.idsOf.get(other(c.caller.home).orgId)!].filter((id) => text.includes(id) && !sent.includes(id));
      if (theirs.length) out.push(`shows ${theirs.length} id(s) of organisation ${other(c.caller.home).name}: ${theirs.slice(0, 3).join(', ')}`);
    }
    for (const w of [a, b]) {
      const organises = c.caller.home === w && (c.caller.kind === 'organiser' || c.caller.kind === 'admin');
      const hidden = [...w.hiddenFromAll, ...(organises ? [] : w.hiddenFromMembers)].filter((id) => text.includes(id) && !sent.includes(id));
      if (hidden.length)
        out.push(`shows ${hidden.length} id(s) of ${w.name} that ${organises ? 'nobody' : 'its members'} may see unasked: ${hidden.join(', ')}`);
    }
    return out;
  }

  beforeAll(async () => {
    inventory.routes.length = 0;
    // Analyses only when asked (analyzeNow) or drained, so they never run between two fingerprints.
    // The clock stands still while the matrix runs (a session is marked as seen at most once an hour: no such write may fall between two fingerprints).
    h = await startHarness(dialect, { analysisDebounceMs: 3_600_000, clock: () => new Date(now) });
    registered = [...new Set(inventory.routes.map((r) => `${r.method} ${r.url}`))].sort();
    tables = await tableNames(h);
    a = await world('A');
    b = await world('B');
    // The next day: yesterday's criticism is published; today's waits, named only by its receipt.
    now = T1;
    for (const w of [a, b]) {
      const list = await w.admin.get(pathOf(routeTable.criticisms, { orgId: w.orgId }));
      if (!list.json().criticisms?.some((c: { id: string }) => c.id === w.criticismId))
        throw new Error(`fixture ${w.name}: the criticism was not published: ${list.body}`);
      const pending = await criticise(h.app, w.orgId, await w.freshToken(), 'Meetings are called when shift workers cannot come.');
      if (pending.statusCode !== 201) throw new Error(`fixture ${w.name}: ${pending.body}`);
      w.hiddenFromAll.push(pending.json().id);
      // Every session seen once at the new time, so none is marked as seen during the matrix.
      for (const s of Object.values(w.sessions)) await send('GET', pathOf(routeTable.me, {}), s, undefined);
    }
    callers = [{ label: 'anonymous', kind: 'anonymous', home: a, session: async () => undefined }, ...callersOf(a), ...callersOf(b)];
  });
  afterAll(async () => {
    if (tally.routes) {
      console.log(
        `[${dialect}] authorization matrix: ${tally.routes} routes (HEAD beside GET) × ${callers.length} principals × up to 4 tenancies = ${tally.cases} cases; ` +
          `${tally.rejected} refused, with ${tally.rowsChanged} tables changed by them; leaks: ${tally.leaks}; other mismatches: ${tally.failures}`,
      );
    }
    await h?.close();
  });

  it('sees every registered route, each with a row in the expectation and a valid request; and no row without a route', () => {
    const rows = Object.keys(expectedAccess).sort();
    // HEAD answers like GET: it is covered by the GET row (and sent beside it below).
    const heads = registered.filter((r) => r.startsWith('HEAD ')).map((r) => `GET ${templateOf(r)}`);
    expect(
      heads.filter((r) => !registered.includes(r)),
      'HEAD routes without their GET',
    ).toEqual([]);
    const routes = registered.filter((r) => !r.startsWith('HEAD '));
    expect(routes.length).toBeGreaterThan(40);
    expect(
      routes.filter((r) => !rows.includes(r)),
      'registered routes missing from test/api/expected-access.ts',
    ).toEqual([]);
    expect(
      rows.filter((r) => !routes.includes(r)),
      'rows of test/api/expected-access.ts naming no registered route',
    ).toEqual([]);
    expect(Object.keys(requests).sort(), 'a valid request for every route').toEqual(rows);
    // Rights only grow with the role: a table saying otherwise is a typo.
    for (const [key, access] of Object.entries(expectedAccess)) {
      const granted = roles.map((r) => access.may.includes(r));
      expect(granted.indexOf(true) === -1 || granted.slice(granted.indexOf(true)).every(Boolean), `${key}: rights that do not grow with the role`).toBe(true);
    }
  });

  it.each(Object.keys(expectedAccess))('%s', async (key) => {
    const access = expectedAccess[key]!;
    const route = requests[key];
    if (!route) throw new Error(`${key}: no valid request in the table`);
    const template = templateOf(key);
    const method = key.slice(0, key.indexOf(' ')) as Method;
    const methods: Method[] = method === 'GET' ? ['GET', 'HEAD'] : [method];
    const exception = domainExceptions[key];

    // Every case, with its fresh resources made up front (they write, the refused requests must not).
    const cases: Case[] = [];
    for (const caller of callers) {
      for (const tenancy of tenanciesOf(key)) {
        const home = caller.home;
        const scope: Scope =
          tenancy === 'foreign'
            ? { org: other(home), ids: other(home), refs: other(home) }
            : tenancy === 'foreign-ids'
              ? { org: home, ids: other(home), refs: other(home) }
              : tenancy === 'foreign-refs'
                ? { org: home, ids: home, refs: other(home) }
                : { org: home, ids: home, refs: home };
        for (const m of methods) {
          const expected = expectedStatus(access, caller.kind, tenancy, route.ok);
          const req = await route.build(scope);
          const params: Record<string, string> = { orgId: scope.org.orgId, ...req.params };
          const url =
            (req.url ??
              template.replace(/:(\w+)/g, (_, name: string) => {
                const value = params[name];
                if (value === undefined) throw new Error(`${key}: no value for :${name}`);
                return encodeURIComponent(value);
              })) + (req.query ? `?${req.query}` : '');
          const session = await caller.session(Boolean(route.endsSession) && expected === route.ok);
          cases.push({ key, method: m, caller, tenancy, expected, url, body: req.body, session });
        }
      }
    }

    const known = await idsAndSecrets();
    const problems: string[] = [];
    const check = async (c: Case) => {
      const res = await send(c.method, c.url, c.session, c.body, {}, route.stream);
      const where = `${c.method} ${template} — ${c.caller.label}, ${c.tenancy === 'none' ? 'no organisation in the request' : `${c.tenancy} ids`}`;
      const allowedInstead = c.expected === route.ok && exception?.status === res.statusCode;
      if (res.statusCode !== c.expected && !allowedInstead) {
        const leak = (c.expected >= 400 && res.statusCode < 400) || (c.expected === 404 && res.statusCode === 403);
        const line = `${where}: expected ${c.expected}, got ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (leak) {
          tally.leaks += 1;
          leaks.push(line);
        } else tally.failures += 1;
        problems.push(`${leak ? 'LEAK ' : ''}${line}`);
      }
      for (const fault of bodyFaults(c, res, access, known)) {
        tally.leaks += 1;
        leaks.push(`${where}: ${fault}`);
        problems.push(`LEAK ${where}: ${fault}`);
      }
      tally.cases += 1;
    };

    // The refused ones first, between two fingerprints of every table.
    const refused = cases.filter((c) => c.expected !== route.ok);
    const before = await fingerprint(h, tables);
    for (const c of refused) await check(c);
    const changed = changedTables(before, await fingerprint(h, tables));
    if (changed.length) problems.push(`the ${refused.length} refused requests wrote to ${changed.join(', ')}`);
    tally.rejected += refused.length;
    tally.rowsChanged += changed.length;
    // Then the allowed ones.
    for (const c of cases.filter((x) => x.expected === route.ok)) await check(c);
    tally.routes += 1;
    expect(problems).toEqual([]);
  });

  // CSRF: a cookie-authenticated write must carry its session's token and come from this origin.
  describe('cross-site request forgery', () => {
    const writes = Object.keys(expectedAccess).filter((k) => !k.startsWith('GET '));
    const foreignOrigin = 'https://evil.example';
    const csrfTally = { requests: 0 };
    afterAll(() => {
      if (csrfTally.requests)
        console.log(`[${dialect}] CSRF: ${writes.length} write routes, ${csrfTally.requests} forged requests, each refused with 403 and writing nothing`);
    });

    it.each(writes)('%s', async (key) => {
      const access = expectedAccess[key]!;
      const route = requests[key]!;
      const method = key.slice(0, key.indexOf(' ')) as Method;
      const template = templateOf(key);
      // The least privileged member the route admits (a plain member for the routes open to anyone), in their own organisation.
      const role = roles.find((r) => access.may.includes(r))!;
      const build = async () => {
        const req = await route.build({ org: a, ids: a, refs: a });
        const params: Record<string, string> = { orgId: a.orgId, ...req.params };
        const url = (req.url ?? template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]!))) + (req.query ? `?${req.query}` : '');
        return { url, body: req.body };
      };
      const session = async () => (route.endsSession ? a.freshSession(role) : a.sessions[role]);
      const other = a.sessions[role === 'admin' ? 'organiser' : 'admin'];

      const forged: { name: string; url: string; body: unknown; session: Session | undefined; headers: Record<string, string>; status: number }[] = [];
      const add = async (name: string, s: Session | undefined, headers: Record<string, string>, status = 403) =>
        forged.push({ name, ...(await build()), session: s, headers, status });
      if (access.readsNoCookie) {
        // The route reads no cookie, so it asks for no token either; the Origin check still holds.
        await add('a session cookie and no token, on a route that reads no cookie', await session(), { 'x-csrf-token': '' }, route.ok);
      } else {
        const s = await session();
        await add('no x-csrf-token', { cookie: s.cookie, csrf: undefined }, {});
        await add('an empty x-csrf-token', s, { 'x-csrf-token': '' });
        await add("another session's x-csrf-token", { cookie: s.cookie, csrf: other.csrf }, {});
        await add('the session token itself as x-csrf-token', { cookie: s.cookie, csrf: s.cookie }, {});
      }
      await add('a foreign Origin, with a valid token', await session(), { origin: foreignOrigin });
      await add('Origin null, with a valid token', await session(), { origin: 'null' });
      await add('sec-fetch-site: cross-site, with a valid token', await session(), { 'sec-fetch-site': 'cross-site' });
      await add('a foreign Origin, no session', undefined, { origin: foreignOrigin });

      const problems: string[] = [];
      const refused = forged.filter((f) => f.status !== route.ok);
      const before = await fingerprint(h, tables);
      for (const f of refused) {
        const res = await send(method, f.url, f.session, f.body, f.headers);
        if (res.statusCode !== f.status) problems.push(`${f.name}: expected ${f.status}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        csrfTally.requests += 1;
      }
      const changed = changedTables(before, await fingerprint(h, tables));
      if (changed.length) problems.push(`the forged requests wrote to ${changed.join(', ')}`);
      for (const f of forged.filter((x) => x.status === route.ok)) {
        const res = await send(method, f.url, f.session, f.body, f.headers);
        if (res.statusCode !== f.status) problems.push(`${f.name}: expected ${f.status}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      // The same request from this origin, with its token, goes through: it was the forgery that was refused.
      const control = await build();
      const res = await send(method, control.url, await session(), control.body, { origin: 'http://localhost' });
      if (res.statusCode !== route.ok)
        problems.push(`the genuine request from this origin: expected ${route.ok}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      expect(problems).toEqual([]);
    });
  });

  it('found no leak', () => {
    expect(leaks).toEqual([]);
    expect(tally.routes).toBe(Object.keys(expectedAccess).length);
  });
});
