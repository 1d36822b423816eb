/**
 * Bad input on every write route (wrong types, missing fields, oversize bodies, unknown ids,
 * another organisation's ids, no session) answers 4xx with a message naming what was wrong,
 * and writes nothing.
 *
 * The write routes are read from the API's own OpenAPI document: a write route without a row in
 * `routes` below fails the suite. Each row holds a valid request, which is sent first (so every
 * rejection below is for the bad part, not for something else); the bad variants are generated
 * from the row and from the route's schemas in that document: each body field of the wrong type,
 * out of its bounds or missing, unknown fields, malformed or oversize bodies, malformed, unknown
 * and foreign ids, no or a forged session, too low a role, plus the route's own rules.
 * Around every bad request the content of every table is fingerprinted, with background work (analyses)
 * run to the end first: it must not change.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { changedTables, fingerprint, tableNames } from '../_util/tables.js';
import { criticism, issues, lines } from '../../src/store/index.js';
import { epochOf } from '../../src/core/index.js';
import type { CriticismToken } from '../../src/contract/criticism-tokens.js';
import { criticise, fetchTokens } from '../_util/criticism.js';
import { byOpenApiKey, pathOf, routeTable } from '../_util/routes.js';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Policy = 'public' | 'member' | 'organiser' | 'admin';
type Body = Record<string, unknown>;

/** One organisation with something of every kind to point at. */
interface Fixture {
  app: FastifyInstance;
  slug: string;
  orgId: string;
  admin: Client;
  adminId: string;
  organiser: Client;
  member: Client;
  /** A plain member other than `member`, whom the admin edits. */
  targetMemberId: string;
  issueId: string;
  /** An organiser's statement (accepted), one rejected in moderation, one of a member's still waiting. */
  statementId: string;
  rejectedStatementId: string;
  unmoderatedStatementId: string;
  /** An invite to revoke, a token with uses to spare, a revoked token. */
  inviteId: string;
  token: string;
  revokedToken: string;
  /** The issue's line: the current published version with a claim, an older published one, a draft with a claim. */
  publishedVersionId: string;
  supersededVersionId: string;
  draftVersionId: string;
  claimId: string;
  draftClaimId: string;
  /** An action on the issue; another issue, with no line; a resolved issue. */
  actionId: string;
  bareIssueId: string;
  resolvedIssueId: string;
  /** For requests that change what they act on for good: a new issue (in gather), a new draft ready to publish. */
  freshIssue(): Promise<string>;
  publishableDraft(): Promise<string>;
  /** Criticism from below: a published criticism, one still pending; tokens never spent, and one spent. */
  criticismId: string;
  pendingCriticismId: string;
  unspentToken(): CriticismToken;
  /** A token that no request spends: bad variants fail before spending it. */
  variantToken: CriticismToken;
  spentToken: CriticismToken;
}

interface RouteCase {
  policy: Policy;
  /** The path parameters, from one organisation's fixture (made anew where a valid request uses its target up). */
  params?: (f: Fixture) => Record<string, string> | Promise<Record<string, string>>;
  /** Who sends the valid request: the least privileged client the route admits (fresh where the request changes the client's session). */
  client: (f: Fixture) => Client | Promise<Client>;
  /** The valid body (made anew for each request: some must be unique); none for body-less routes. */
  body?: (f: Fixture) => Body;
  /** Where the valid request uses something up (a token): its body; `body` then serves the bad variants. */
  validBody?: (f: Fixture) => Body;
  /** Path parameters another organisation's value of which is refused otherwise than 404 (tested in the route's extra). */
  unscoped?: string[];
  headers?: () => Record<string, string>;
  /** The status of the valid request. */
  status: number;
  /** Bad input peculiar to the route. */
  extra?: (a: Fixture, b: Fixture) => Variant[];
}

interface Variant {
  name: string;
  client: Client | (() => Client | Promise<Client>);
  url: string;
  /** A string is sent as it is (with content-type application/json unless `headers` say otherwise); undefined sends no body. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  /** What the message must name. */
  message: string | RegExp;
}

const PASSWORD = 'correct horse battery';
const fresh = (f: Fixture) => new Client(f.app);
const uniqueKey = () => `key-${randomBytes(9).toString('base64url')}`;
async function loggedInAdmin(f: Fixture): Promise<Client> {
  const c = fresh(f);
  const res = await c.post(pathOf(routeTable.login, {}), { organisation: f.slug, email: `admin@${f.slug}.test`, password: PASSWORD });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return c;
}

/** A blinded message the server will sign: 256 bytes below any 2048-bit modulus. */
const blinded = (fill: number) => Buffer.concat([Buffer.from([0]), Buffer.alloc(255, fill)]).toString('base64url');
let criticismNumber = 0;

/** Every write route, keyed as the OpenAPI document names it. */
const routes: Record<string, RouteCase> = byOpenApiKey<RouteCase>({
  criticismTokens: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId }),
    client: (f) => f.member,
    body: () => ({ epoch: epochOf(new Date()), blinded: [blinded(7)] }),
    status: 200,
    extra: (a) => {
      const url = pathOf(routeTable.criticismTokens, { orgId: a.orgId });
      return [
        { name: 'another epoch', client: a.member, url, body: { epoch: '2020-W01', blinded: [blinded(7)] }, status: 409, message: 'epoch' },
        {
          name: 'a blinded message of the wrong length',
          client: a.member,
          url,
          body: { epoch: epochOf(new Date()), blinded: ['AAAA'] },
          status: 400,
          message: 'blinded.0',
        },
        {
          name: 'a blinded message above the modulus',
          client: a.member,
          url,
          body: { epoch: epochOf(new Date()), blinded: [blinded(7), Buffer.alloc(256, 255).toString('base64url')] },
          status: 400,
          message: 'blinded.1',
        },
      ];
    },
  },
  // Policy 'anonymous': no session is read, so none is asked for.
  criticise: {
    policy: 'public',
    params: (f) => ({ orgId: f.orgId }),
    client: (f) => fresh(f),
    validBody: (f) => ({
      token: f.unspentToken(),
      target: { kind: 'issue', issueId: f.issueId },
      text: `Criticism ${++criticismNumber}: decisions are taken before members are asked.`,
    }),
    body: (f) => ({ token: f.spentToken, target: { kind: 'issue', issueId: f.issueId }, text: 'The leadership takes decisions before members are asked.' }),
    status: 201,
    unscoped: ['orgId'],
    extra: (a, b) => {
      const url = pathOf(routeTable.criticise, { orgId: a.orgId });
      const text = 'The leadership takes decisions before members are asked.';
      return [
        {
          name: 'a forged signature',
          client: fresh(a),
          url,
          body: { token: { ...a.variantToken, signature: a.spentToken.signature }, target: { kind: 'leadership' }, text },
          status: 403,
          message: 'token.signature',
        },
        {
          name: 'a forged signature, sent with a session cookie',
          client: a.member,
          url,
          body: { token: { ...a.variantToken, signature: a.spentToken.signature }, target: { kind: 'leadership' }, text },
          status: 403,
          message: 'token.signature',
        },
        {
          name: "another organisation's token",
          client: fresh(a),
          url,
          body: { token: b.variantToken, target: { kind: 'leadership' }, text },
          status: 403,
          message: 'token.signature',
        },
        {
          name: 'a token of an epoch long over',
          client: fresh(a),
          url,
          body: { token: { ...a.variantToken, epoch: '2020-W01' }, target: { kind: 'leadership' }, text },
          status: 403,
          message: 'token.epoch',
        },
        {
          name: 'a spent token for other words',
          client: fresh(a),
          url,
          body: { token: a.spentToken, target: { kind: 'leadership' }, text: `${text} And more.` },
          status: 409,
          message: 'token',
        },
        {
          name: 'target.issueId unknown',
          client: fresh(a),
          url,
          body: { token: a.variantToken, target: { kind: 'issue', issueId: randomBytes(12).toString('base64url') }, text },
          status: 404,
          message: 'target.issueId',
        },
        {
          name: 'target.issueId of another organisation',
          client: fresh(a),
          url,
          body: { token: a.variantToken, target: { kind: 'issue', issueId: b.issueId }, text },
          status: 404,
          message: 'target.issueId',
        },
        {
          name: 'target.lineVersionId of a draft',
          client: fresh(a),
          url,
          body: { token: a.variantToken, target: { kind: 'line-version', lineVersionId: a.draftVersionId }, text },
          status: 404,
          message: 'target.lineVersionId',
        },
      ];
    },
  },
  joinAction: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, actionId: f.actionId }),
    client: (f) => f.member,
    status: 200,
  },
  leaveAction: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, actionId: f.actionId }),
    client: (f) => f.member,
    status: 200,
  },
  second: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, criticismId: f.criticismId }),
    client: (f) => f.member,
    status: 200,
    extra: (a) => [
      {
        name: 'a criticism not yet published',
        client: a.member,
        url: pathOf(routeTable.second, { orgId: a.orgId, criticismId: a.pendingCriticismId }),
        status: 404,
        message: 'criticism',
      },
    ],
  },
  unsecond: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, criticismId: f.criticismId }),
    client: (f) => f.member,
    status: 200,
  },
  answerCriticism: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, criticismId: f.criticismId }),
    client: (f) => f.organiser,
    body: () => ({ text: 'We hear you, and we will put it to the next meeting.' }),
    status: 201,
    extra: (a) => [
      {
        name: 'a criticism not yet published',
        client: a.organiser,
        url: pathOf(routeTable.answerCriticism, { orgId: a.orgId, criticismId: a.pendingCriticismId }),
        body: { text: 'Too early to answer.' },
        status: 404,
        message: 'criticism',
      },
    ],
  },
  signup: {
    policy: 'public',
    client: fresh,
    body: () => ({
      organisation: { name: 'A new union', slug: `new-${randomBytes(6).toString('hex')}` },
      displayName: 'Founder',
      email: 'founder@example.test',
      password: PASSWORD,
    }),
    status: 201,
    extra: (a) => [
      {
        name: 'a slug already taken',
        client: () => fresh(a),
        url: pathOf(routeTable.signup, {}),
        body: { organisation: { name: 'Copycat', slug: a.slug }, displayName: 'X', email: 'x@example.test', password: PASSWORD },
        status: 409,
        message: 'organisation.slug',
      },
    ],
  },
  login: {
    policy: 'public',
    client: fresh,
    body: (f) => ({ organisation: f.slug, email: `admin@${f.slug}.test`, password: PASSWORD }),
    status: 200,
    extra: (a, b) => [
      {
        name: 'a wrong password',
        client: () => fresh(a),
        url: pathOf(routeTable.login, {}),
        body: { organisation: a.slug, email: `admin@${a.slug}.test`, password: 'wrong password' },
        status: 401,
        message: 'login',
      },
      {
        name: "another organisation's slug",
        client: () => fresh(a),
        url: pathOf(routeTable.login, {}),
        body: { organisation: b.slug, email: `admin@${a.slug}.test`, password: PASSWORD },
        status: 401,
        message: 'login',
      },
      {
        name: 'an unknown organisation',
        client: () => fresh(a),
        url: pathOf(routeTable.login, {}),
        body: { organisation: 'no-such-org', email: `admin@${a.slug}.test`, password: PASSWORD },
        status: 401,
        message: 'login',
      },
    ],
  },
  logout: { policy: 'public', client: loggedInAdmin, status: 204 },
  updateOrganisation: {
    policy: 'admin',
    params: (f) => ({ orgId: f.orgId }),
    client: (f) => f.admin,
    body: () => ({ name: 'Renamed union', moderation: 'strict' }),
    status: 200,
  },
  updateMember: {
    policy: 'admin',
    params: (f) => ({ orgId: f.orgId, memberId: f.targetMemberId }),
    client: (f) => f.admin,
    body: () => ({ role: 'member', constituency: 'north' }),
    status: 200,
    extra: (a) => [
      {
        name: 'an admin lowering their own role',
        client: a.admin,
        url: pathOf(routeTable.updateMember, { orgId: a.orgId, memberId: a.adminId }),
        body: { role: 'member' },
        status: 409,
        message: 'role',
      },
    ],
  },
  createInvite: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId }),
    client: (f) => f.organiser,
    body: () => ({ role: 'member', maxUses: 5, expiresInHours: 24, constituency: 'north' }),
    status: 201,
    extra: (a) => [
      {
        name: 'an organiser inviting an admin',
        client: a.organiser,
        url: pathOf(routeTable.createInvite, { orgId: a.orgId }),
        body: { role: 'admin' },
        status: 403,
        message: 'role',
      },
    ],
  },
  revokeInvite: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, inviteId: f.inviteId }),
    client: (f) => f.organiser,
    status: 204,
  },
  acceptInvite: {
    policy: 'public',
    params: (f) => ({ token: f.token }),
    client: fresh,
    body: () => ({ displayName: 'New member', constituency: 'south' }),
    status: 201,
    extra: (a) => [
      {
        name: 'a revoked invite',
        client: () => fresh(a),
        url: pathOf(routeTable.acceptInvite, { token: a.revokedToken }),
        body: { displayName: 'Late' },
        status: 410,
        message: 'invite',
      },
    ],
  },
  createIssue: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId }),
    client: (f) => f.organiser,
    body: () => ({ title: 'Repairs', description: 'What do we demand of the landlord?' }),
    status: 201,
  },
  advanceCycle: {
    policy: 'organiser',
    // Each advance moves the cycle on, and not every phase can be left by advancing: a new issue each time.
    params: async (f) => ({ orgId: f.orgId, issueId: await f.freshIssue() }),
    client: (f) => f.organiser,
    body: () => ({ note: 'enough gathered' }),
    status: 200,
    extra: (a) => [
      {
        name: 'a resolved issue',
        client: a.organiser,
        url: pathOf(routeTable.advanceCycle, { orgId: a.orgId, issueId: a.resolvedIssueId }),
        body: { note: 'too late' },
        status: 409,
        message: 'issue',
      },
    ],
  },
  submitStatement: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.member,
    body: () => ({ text: 'Heating before any increase', isSeed: false }),
    status: 201,
    extra: (a) => [
      {
        name: 'a member adding a seed statement',
        client: a.member,
        url: pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: a.issueId }),
        body: { text: 'A seed?', isSeed: true },
        status: 403,
        message: 'isSeed',
      },
      {
        name: 'a resolved issue',
        client: a.member,
        url: pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: a.resolvedIssueId }),
        body: { text: 'Too late now' },
        status: 409,
        message: 'issue',
      },
    ],
  },
  moderate: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, statementId: f.statementId }),
    client: (f) => f.organiser,
    body: () => ({ status: 'accepted' }),
    status: 200,
  },
  vote: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, statementId: f.statementId }),
    client: (f) => f.member,
    body: () => ({ vote: 1 }),
    headers: () => ({ 'idempotency-key': uniqueKey() }),
    status: 200,
    extra: (a) => {
      const url = (id: string) => pathOf(routeTable.vote, { orgId: a.orgId, statementId: id });
      return [
        {
          name: 'an organiser voting on a rejected statement',
          client: a.organiser,
          url: url(a.rejectedStatementId),
          body: { vote: 1 },
          status: 409,
          message: 'statement',
        },
        {
          name: 'a member voting on a rejected statement',
          client: a.member,
          url: url(a.rejectedStatementId),
          body: { vote: 1 },
          status: 404,
          message: 'statement',
        },
        {
          name: 'a member voting on a statement awaiting moderation',
          client: a.member,
          url: url(a.unmoderatedStatementId),
          body: { vote: 1 },
          status: 404,
          message: 'statement',
        },
      ];
    },
  },
  merge: {
    policy: 'organiser',
    // A statement is merged once: a fresh duplicate each time, merged into the organiser's statement.
    params: async (f) => ({
      orgId: f.orgId,
      statementId: (
        await f.admin.post(pathOf(routeTable.submitStatement, { orgId: f.orgId, issueId: f.issueId }), { text: `Freeze the rent ${uniqueKey()}` })
      ).json().id as string,
    }),
    client: (f) => f.organiser,
    body: (f) => ({ into: f.statementId }),
    status: 200,
    extra: (a, b) => {
      const url = (id: string) => pathOf(routeTable.merge, { orgId: a.orgId, statementId: id });
      return [
        {
          name: 'into itself',
          client: a.organiser,
          url: url(a.unmoderatedStatementId),
          body: { into: a.unmoderatedStatementId },
          status: 409,
          message: 'into',
        },
        {
          name: 'into a rejected statement',
          client: a.organiser,
          url: url(a.unmoderatedStatementId),
          body: { into: a.rejectedStatementId },
          status: 409,
          message: 'into',
        },
        {
          name: "into another organisation's statement",
          client: a.organiser,
          url: url(a.unmoderatedStatementId),
          body: { into: b.statementId },
          status: 404,
          message: 'into',
        },
        // The valid requests merged duplicates into it.
        {
          name: 'a statement others were merged into',
          client: a.organiser,
          url: url(a.statementId),
          body: { into: a.unmoderatedStatementId },
          status: 409,
          message: 'statement',
        },
      ];
    },
  },
  resolve: {
    policy: 'organiser',
    // Resolving is for good: a new issue each time.
    params: async (f) => ({ orgId: f.orgId, issueId: await f.freshIssue() }),
    client: (f) => f.organiser,
    body: () => ({ successors: [{ title: 'Rent after the repairs', description: 'What the repairs campaign left open' }] }),
    status: 200,
    extra: (a) => [
      {
        name: 'an issue already resolved',
        client: a.organiser,
        url: pathOf(routeTable.resolve, { orgId: a.orgId, issueId: a.resolvedIssueId }),
        body: { successors: [] },
        status: 409,
        message: 'issue',
      },
    ],
  },
  createDraft: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.organiser,
    body: (f) => ({ claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: f.statementId, note: 'most agreed' }] }] }),
    status: 201,
    extra: (a, b) => {
      const url = pathOf(routeTable.createDraft, { orgId: a.orgId, issueId: a.issueId });
      const citing = (kind: string, ref: string) => ({ claims: [{ text: 'Repairs first', cites: [{ kind, ref }] }] });
      return [
        {
          name: "citing another organisation's statement",
          client: a.organiser,
          url,
          body: citing('statement', b.statementId),
          status: 404,
          message: 'claims.0.cites.0.ref',
        },
        {
          name: 'citing a statement of another issue',
          client: a.organiser,
          url: pathOf(routeTable.createDraft, { orgId: a.orgId, issueId: a.bareIssueId }),
          body: citing('statement', a.statementId),
          status: 404,
          message: 'claims.0.cites.0.ref',
        },
        {
          name: 'citing an unknown analysis',
          client: a.organiser,
          url,
          body: citing('analysis', randomBytes(12).toString('base64url')),
          status: 404,
          message: 'claims.0.cites.0.ref',
        },
        {
          name: 'a resolved issue',
          client: a.organiser,
          url: pathOf(routeTable.createDraft, { orgId: a.orgId, issueId: a.resolvedIssueId }),
          body: citing('statement', a.statementId),
          status: 409,
          message: 'issue',
        },
      ];
    },
  },
  updateDraft: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, versionId: f.draftVersionId }),
    client: (f) => f.organiser,
    body: (f) => ({ claims: [{ text: 'Repairs, then talks about rent', cites: [{ kind: 'statement', ref: f.statementId }] }] }),
    status: 200,
    extra: (a, b) => [
      {
        name: 'a published version',
        client: a.organiser,
        url: pathOf(routeTable.updateDraft, { orgId: a.orgId, versionId: a.publishedVersionId }),
        body: { claims: [{ text: 'Rewritten history' }] },
        status: 409,
        message: 'versionId',
      },
      {
        name: "citing another organisation's statement",
        client: a.organiser,
        url: pathOf(routeTable.updateDraft, { orgId: a.orgId, versionId: a.draftVersionId }),
        body: { claims: [{ text: 'Theirs', cites: [{ kind: 'statement', ref: b.statementId }] }] },
        status: 404,
        message: 'claims.0.cites.0.ref',
      },
    ],
  },
  publish: {
    policy: 'organiser',
    // Publishing uses the draft up and moves its cycle on: a new issue with a draft ready to publish each time.
    params: async (f) => ({ orgId: f.orgId, versionId: await f.publishableDraft() }),
    client: (f) => f.organiser,
    status: 200,
    extra: (a) => [
      // Its cycle is not in concentrate either: whichever check comes first may answer.
      {
        name: 'a version already published',
        client: a.organiser,
        url: pathOf(routeTable.publish, { orgId: a.orgId, versionId: a.publishedVersionId }),
        status: 409,
        message: /phase|versionId/,
      },
      {
        name: 'a draft whose cycle is still gathering',
        client: a.organiser,
        url: pathOf(routeTable.publish, { orgId: a.orgId, versionId: a.draftVersionId }),
        status: 409,
        message: 'phase',
      },
    ],
  },
  endorse: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, versionId: f.publishedVersionId }),
    client: (f) => f.member,
    body: () => ({ kind: 'critique', text: 'Too timid about the repairs' }),
    status: 200,
    extra: (a) => {
      const url = (id: string) => pathOf(routeTable.endorse, { orgId: a.orgId, versionId: id });
      return [
        { name: 'a critique without its text', client: a.member, url: url(a.publishedVersionId), body: { kind: 'critique' }, status: 400, message: 'text' },
        { name: 'a superseded version', client: a.member, url: url(a.supersededVersionId), body: { kind: 'embrace' }, status: 409, message: 'versionId' },
        { name: 'a draft version', client: a.member, url: url(a.draftVersionId), body: { kind: 'embrace' }, status: 404, message: 'line version' },
      ];
    },
  },
  createAction: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.organiser,
    body: () => ({ title: 'Ballot on a rent strike', description: 'Door to door, every block' }),
    status: 201,
    extra: (a) => [
      {
        name: 'an issue without a published line',
        client: a.organiser,
        url: pathOf(routeTable.createAction, { orgId: a.orgId, issueId: a.bareIssueId }),
        body: { title: 'Too early' },
        status: 409,
        message: 'issue',
      },
    ],
  },
  fileReport: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.member,
    body: (f) => ({
      actionId: f.actionId,
      claimId: f.claimId,
      verdict: 'confirms',
      whatDone: 'We balloted every block',
      whatHappened: 'The landlord fixed the boilers',
    }),
    status: 201,
    extra: (a, b) => {
      const url = pathOf(routeTable.fileReport, { orgId: a.orgId, issueId: a.issueId });
      const report = { whatDone: 'We balloted', whatHappened: 'Nothing yet' };
      return [
        { name: 'a verdict without its claim', client: a.member, url, body: { ...report, verdict: 'confirms' }, status: 400, message: 'verdict' },
        { name: 'a claim without its verdict', client: a.member, url, body: { ...report, claimId: a.claimId }, status: 400, message: 'verdict' },
        {
          name: 'body.actionId unknown',
          client: a.member,
          url,
          body: { ...report, actionId: randomBytes(12).toString('base64url') },
          status: 404,
          message: 'actionId',
        },
        { name: 'body.actionId of another organisation', client: a.member, url, body: { ...report, actionId: b.actionId }, status: 404, message: 'actionId' },
        {
          name: 'body.claimId of another organisation',
          client: a.member,
          url,
          body: { ...report, claimId: b.claimId, verdict: 'refutes' },
          status: 404,
          message: 'claimId',
        },
        {
          name: 'body.claimId of a draft',
          client: a.member,
          url,
          body: { ...report, claimId: a.draftClaimId, verdict: 'refutes' },
          status: 404,
          message: 'claimId',
        },
      ];
    },
  },
  markImportant: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.member,
    status: 204,
  },
  unmarkImportant: {
    policy: 'member',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.member,
    status: 204,
  },
  markBlocks: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId }),
    client: (f) => f.organiser,
    body: (f) => ({ blocks: f.bareIssueId }),
    status: 204,
    extra: (a, b) => {
      const url = pathOf(routeTable.markBlocks, { orgId: a.orgId, issueId: a.issueId });
      return [
        { name: 'an issue blocking itself', client: a.organiser, url, body: { blocks: a.issueId }, status: 409, message: 'blocks' },
        { name: 'body.blocks unknown', client: a.organiser, url, body: { blocks: randomBytes(12).toString('base64url') }, status: 404, message: 'blocks' },
        { name: "body.blocks another organisation's issue", client: a.organiser, url, body: { blocks: b.issueId }, status: 404, message: 'blocks' },
      ];
    },
  },
  unmarkBlocks: {
    policy: 'organiser',
    params: (f) => ({ orgId: f.orgId, issueId: f.issueId, blockedId: f.bareIssueId }),
    client: (f) => f.organiser,
    status: 204,
  },
});

/** What a 404 for each kind of path parameter must name. */
const nounOf: Record<string, string> = {
  orgId: 'organisation',
  issueId: 'issue',
  statementId: 'statement',
  memberId: 'member',
  inviteId: 'invite',
  token: 'invite',
  versionId: 'line version',
  criticismId: 'criticism',
  actionId: 'action',
  blockedId: 'issue',
};
/** Path parameters that are capabilities, not ids of an organisation: no "another organisation's" variant. */
const unscoped = new Set(['token']);

// ---------------------------------------------------------------------------------------------
// The generator of bad variants.

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  additionalProperties?: boolean;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}
interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** Values of the wrong type, and values of the right type outside the schema's bounds. */
function badValues(s: JsonSchema): { what: string; value: unknown }[] {
  const out: { what: string; value: unknown }[] = [];
  const enums = s.enum ?? (s.anyOf?.every((a) => a.enum) ? s.anyOf.flatMap((a) => a.enum ?? []) : undefined);
  const type =
    s.type ??
    (s.anyOf?.every((a) => a.type === s.anyOf?.[0]?.type) ? s.anyOf[0]?.type : undefined) ??
    (s.oneOf?.every((o) => o.type === 'object') ? 'object' : undefined);
  // One of several shapes told apart by a field: a value of none of them.
  if (s.oneOf) out.push({ what: 'of none of its shapes', value: { kind: 'no-such-kind' } });
  if (!s.nullable) out.push({ what: 'null', value: null });
  switch (type) {
    case 'string':
      out.push({ what: 'a number', value: 12345 }, { what: 'an object', value: {} });
      break;
    case 'number':
    case 'integer':
      out.push({ what: 'a string', value: 'twelve' }, { what: 'a boolean', value: true });
      break;
    case 'boolean':
      out.push({ what: 'a string', value: 'yes' }, { what: 'a number', value: 1 });
      break;
    case 'object':
      out.push({ what: 'a string', value: 'text' }, { what: 'an array', value: [] });
      break;
    case 'array':
      out.push({ what: 'a string', value: 'text' }, { what: 'an object', value: {} });
      if ((s.minItems ?? 0) > 0) out.push({ what: 'an empty list', value: [] });
      break;
    case undefined: // no type, and none to tell from its shapes
    default:
      throw new Error(`the generator knows no bad values for the schema ${JSON.stringify(s)}: extend badValues`);
  }
  if (enums) out.push({ what: 'not one of the choices', value: typeof enums[0] === 'number' ? 99 : 'no-such-choice' });
  if (type === 'string' && !enums) {
    if ((s.minLength ?? 0) > 0) out.push({ what: 'empty', value: '' });
    if (s.maxLength !== undefined) out.push({ what: `longer than ${s.maxLength}`, value: 'x'.repeat(s.maxLength + 1) });
    if (s.pattern !== undefined) {
      const pattern = new RegExp(s.pattern, 'u');
      const value = ['!?', 'NUL\u0000here', ' ', 'x'.repeat(3)].find((v) => !pattern.test(v));
      if (value !== undefined) out.push({ what: 'not matching its pattern', value });
    }
  }
  if (type === 'integer') out.push({ what: 'a fraction', value: 1.5 });
  if (s.minimum !== undefined) out.push({ what: `below ${s.minimum}`, value: s.minimum - 1 });
  if (s.maximum !== undefined) out.push({ what: `above ${s.maximum}`, value: s.maximum + 1 });
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);
function getAt(body: Body, path: string[]): unknown {
  let node: unknown = body;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}
function setAt(body: Body, path: string[], value: unknown, remove = false): Body {
  const copy = clone(body);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** Body variants from the request schema: every field wrong, out of bounds or missing, unknown fields. */
function bodyVariants(schema: JsonSchema, valid: () => Body, path: string[] = []): { name: string; body: () => unknown; message: string }[] {
  const out: { name: string; body: () => unknown; message: string }[] = [];
  const at = (p: string[]) => ['body', ...p].join('.');
  for (const [key, field] of Object.entries(schema.properties ?? {})) {
    const p = [...path, key];
    for (const bad of badValues(field)) out.push({ name: `${p.join('.')} ${bad.what}`, body: () => setAt(valid(), p, bad.value), message: at(p) });
    if (schema.required?.includes(key)) out.push({ name: `${p.join('.')} missing`, body: () => setAt(valid(), p, undefined, true), message: at(p) });
    const present = getAt(valid(), p);
    if (field.type === 'object' && field.properties && present !== undefined) out.push(...bodyVariants(field, valid, p));
    if (field.type === 'array' && Array.isArray(present) && present.length > 0) {
      // Too many items (copies of the valid first one), then each field of the first item.
      if (field.maxItems !== undefined)
        out.push({
          name: `${p.join('.')} with more than ${field.maxItems} items`,
          body: () => setAt(valid(), p, Array(field.maxItems! + 1).fill(present[0])),
          message: at(p),
        });
      if (field.items?.type === 'object' && field.items.properties) out.push(...bodyVariants(field.items, valid, [...p, '0']));
    }
  }
  if (schema.additionalProperties === false) {
    out.push({
      name: `an unknown field${path.length ? ` in ${path.join('.')}` : ''}`,
      body: () => setAt(valid(), [...path, 'unexpectedField'], 1),
      message: 'unexpectedField',
    });
  }
  return out;
}

const fillPath = (template: string, params: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `<${name}?>`));

/** Every bad variant of a route, against organisation `a` (and `b` as the other organisation). */
async function variantsOf(key: string, route: RouteCase, op: OpenApiOperation, a: Fixture, b: Fixture): Promise<Variant[]> {
  const [, template] = key.split(' ') as [Method, string];
  const pa = (await route.params?.(a)) ?? {};
  const pb = (await route.params?.(b)) ?? {};
  const url = fillPath(template, pa);
  const client = () => route.client(a);
  const valid = () => route.body?.(a) ?? {};
  const headers = () => route.headers?.() ?? {};
  const v: Variant[] = [];

  // Who calls.
  if (route.policy !== 'public') {
    v.push({ name: 'no session', client: () => fresh(a), url, body: route.body?.(a), headers: headers(), status: 401, message: 'session' });
    const forged = fresh(a);
    forged.cookie = randomBytes(32).toString('base64url');
    v.push({ name: 'a forged session cookie', client: forged, url, body: route.body?.(a), headers: headers(), status: 401, message: 'session' });
  }
  if (route.policy === 'organiser' || route.policy === 'admin')
    v.push({ name: 'a plain member', client: a.member, url, body: route.body?.(a), headers: headers(), status: 403, message: 'role' });
  if (route.policy === 'admin')
    v.push({ name: 'an organiser', client: a.organiser, url, body: route.body?.(a), headers: headers(), status: 403, message: 'role' });

  // Path parameters: malformed, unknown, another organisation's (each alone, then all at once; both ways round).
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
  for (const name of pathParams) {
    const noun = nounOf[name];
    if (!noun) throw new Error(`${key}: no noun for the path parameter ${name}: add it to nounOf`);
    // The policy check comes before validation: an orgId other than the session's, well-formed or not, is simply not found.
    const malformed = name === 'orgId' && route.policy !== 'public' ? { status: 404, message: noun } : { status: 400, message: `params.${name}` };
    v.push({ name: `${name} malformed`, client, url: fillPath(template, { ...pa, [name]: 'x' }), body: route.body?.(a), headers: headers(), ...malformed });
    const unknown = randomBytes(name === 'token' ? 32 : 12).toString('base64url');
    v.push({
      name: `${name} unknown`,
      client,
      url: fillPath(template, { ...pa, [name]: unknown }),
      body: route.body?.(a),
      headers: headers(),
      status: 404,
      message: noun,
    });
    if (unscoped.has(name) || route.unscoped?.includes(name)) continue;
    v.push({
      name: `${name} of another organisation`,
      client,
      url: fillPath(template, { ...pa, [name]: pb[name]! }),
      body: route.body?.(a),
      headers: headers(),
      status: 404,
      message: noun,
    });
    const otherClient = () => route.client(b);
    v.push({
      name: `${name} of another organisation, the other way round`,
      client: otherClient,
      url: fillPath(template, { ...pb, [name]: pa[name]! }),
      body: route.body?.(b),
      headers: headers(),
      status: 404,
      message: noun,
    });
  }
  const scoped = pathParams.filter((n) => !unscoped.has(n) && !route.unscoped?.includes(n));
  if (scoped.length > 1) {
    v.push({
      name: "all ids another organisation's",
      client,
      url: fillPath(template, pb),
      body: route.body?.(a),
      headers: headers(),
      status: 404,
      message: 'organisation',
    });
  }

  // Headers with a format.
  for (const p of (op.parameters ?? []).filter((p) => p.in === 'header' && (p.schema.pattern || p.schema.enum))) {
    v.push({
      name: `header ${p.name} malformed`,
      client,
      url,
      body: route.body?.(a),
      headers: { ...headers(), [p.name]: '!' },
      status: 400,
      message: `headers.${p.name}`,
    });
  }

  // The body, field by field, and as a whole.
  const schema = op.requestBody?.content['application/json']?.schema;
  if (schema) {
    for (const b of bodyVariants(schema, valid)) v.push({ name: b.name, client, url, body: b.body(), headers: headers(), status: 400, message: b.message });
    v.push({ name: 'body an array', client, url, body: '[]', headers: headers(), status: 400, message: 'body' });
    v.push({ name: 'body a string', client, url, body: '"text"', headers: headers(), status: 400, message: 'body' });
    v.push({ name: 'body null', client, url, body: 'null', headers: headers(), status: 400, message: 'body' });
    v.push({ name: 'body empty', client, url, body: '', headers: headers(), status: 400, message: /body/i });
    v.push({
      name: 'body as text/plain',
      client,
      url,
      body: JSON.stringify(valid()),
      headers: { ...headers(), 'content-type': 'text/plain' },
      status: 400,
      message: 'body',
    });
  } else if (route.body) {
    throw new Error(`${key}: the table has a body but the API describes none`);
  }
  v.push({
    name: 'body of an unsupported media type',
    client,
    url,
    body: '<vote/>',
    headers: { ...headers(), 'content-type': 'application/xml' },
    status: 415,
    message: /media type/i,
  });
  v.push({ name: 'malformed JSON', client, url, body: '{"oops": ', headers: headers(), status: 400, message: /JSON/ });
  v.push({
    name: 'an oversize body (70 KiB)',
    client,
    url,
    body: JSON.stringify({ ...valid(), padding: 'x'.repeat(70 * 1024) }),
    headers: headers(),
    status: 413,
    message: 'body',
  });

  v.push(...(route.extra?.(a, b) ?? []));
  return v;
}

// ---------------------------------------------------------------------------------------------

describe.each(dialects)('bad input on every write route, %s', (dialect) => {
  let h: Harness;
  let a: Fixture;
  let b: Fixture;
  let doc: { paths: Record<string, Record<string, OpenApiOperation>> };
  let tables: string[] = [];
  const tally = { routes: 0, variants: 0 };

  async function fixture(slug: string): Promise<Fixture> {
    const app = h.app;
    const org = await signUp(app, slug);
    const { orgId } = org;
    const json = async (res: Promise<LightMyRequestResponse>, status: number) => {
      const r = await res;
      if (r.statusCode !== status) throw new Error(`fixture: ${r.statusCode} ${r.body}`);
      return r.json();
    };
    const adminId = (await json(org.admin.get(pathOf(routeTable.me, {})), 200)).member.id as string;
    const organiser = await joinAsMember(app, org, 'organiser');
    const member = await joinAsMember(app, org);
    const target = await joinAsMember(app, org);
    const issueId = (await json(org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Rent', description: 'What do we demand?' }), 201))
      .id as string;
    const statement = (text: string, by = org.admin) => json(by.post(pathOf(routeTable.submitStatement, { orgId, issueId }), { text }), 201);
    const statementId = (await statement('Freeze the rent')).id as string;
    const rejectedStatementId = (await statement('Off topic')).id as string;
    await json(org.admin.patch(pathOf(routeTable.moderate, { orgId, statementId: rejectedStatementId }), { status: 'rejected' }), 200);
    const unmoderatedStatementId = (await statement('Fix the boiler first', member.client)).id as string;
    const inviteId = (await json(org.admin.post(pathOf(routeTable.createInvite, { orgId }), { maxUses: 1 }), 201)).id as string;
    const token = (await json(org.admin.post(pathOf(routeTable.createInvite, { orgId }), { maxUses: 10_000 }), 201)).token as string;
    const revoked = await json(org.admin.post(pathOf(routeTable.createInvite, { orgId }), {}), 201);
    await org.admin.delete(pathOf(routeTable.revokeInvite, { orgId, inviteId: revoked.id }));
    // A line drafted and published through the store: quicker than the API's way (votes, an analysis, the concentrate phase).
    const db = h.ctx.store.db;
    const at = new Date().toISOString();
    const cycle = await issues.currentCycle(db, org.orgId, issueId);
    const version = async (publish: boolean) => {
      const v = await lines.createDraft(db, {
        orgId,
        issueId,
        cycleId: cycle.id,
        analysisId: null,
        createdBy: adminId,
        at,
        claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: statementId }] }],
      });
      if (publish) await lines.publishVersion(db, org.orgId, v.id, adminId, at);
      return { id: v.id, claimId: (await lines.getVersion(db, org.orgId, v.id))!.claims[0]!.id };
    };
    const superseded = await version(true);
    const published = await version(true);
    const draft = await version(false);
    const actionId = (await json(org.admin.post(pathOf(routeTable.createAction, { orgId, issueId }), { title: 'Withhold rent' }), 201)).id as string;
    const bareIssueId = (await json(org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Bins' }), 201)).id as string;
    const freshIssue = async () => (await json(org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Another issue' }), 201)).id as string;
    const resolvedIssueId = await freshIssue();
    await json(org.admin.post(pathOf(routeTable.resolve, { orgId, issueId: resolvedIssueId }), {}), 200);
    const publishableDraft = async () => {
      // Gathered (a statement, a vote), concentrated (the concentrate phase, an analysis), drafted.
      const id = await freshIssue();
      const s = await json(org.admin.post(pathOf(routeTable.submitStatement, { orgId, issueId: id }), { text: 'Organise every block' }), 201);
      await json(member.client.put(pathOf(routeTable.vote, { orgId, statementId: s.id }), { vote: 1 }), 200);
      await json(org.admin.post(pathOf(routeTable.advanceCycle, { orgId, issueId: id }), {}), 200);
      await h.ctx.jobs.analyses.analyzeNow(org.orgId, id);
      return (
        await json(
          org.admin.post(pathOf(routeTable.createDraft, { orgId, issueId: id }), {
            claims: [{ text: 'Every block organised', cites: [{ kind: 'statement', ref: s.id }] }],
          }),
          201,
        )
      ).id as string;
    };
    // Criticism: a critic's tokens; one spent and published, one spent and pending.
    const critic = await joinAsMember(app, org);
    const tokens = await fetchTokens(critic.client, org.orgId, 5);
    const criticismId = (await json(criticise(app, org.orgId, tokens.pop()!, 'Published criticism of the leadership, for the fixture.'), 201)).id as string;
    await criticism.publishBatch(db, org.orgId, { beforeDay: '9999-12-31', publishedAt: at });
    const spentToken = tokens.pop()!;
    const variantToken = tokens.pop()!;
    const pendingCriticismId = (await json(criticise(app, org.orgId, spentToken, 'Pending criticism of the leadership, for the fixture.'), 201)).id as string;
    return {
      criticismId,
      pendingCriticismId,
      spentToken,
      variantToken,
      unspentToken: () => {
        const t = tokens.shift();
        if (!t) throw new Error('fixture: no unspent token left');
        return t;
      },
      app,
      slug,
      orgId,
      admin: org.admin,
      adminId,
      organiser: organiser.client,
      member: member.client,
      targetMemberId: target.memberId,
      issueId,
      statementId,
      rejectedStatementId,
      unmoderatedStatementId,
      inviteId,
      token,
      revokedToken: revoked.token as string,
      publishedVersionId: published.id,
      supersededVersionId: superseded.id,
      draftVersionId: draft.id,
      claimId: published.claimId,
      draftClaimId: draft.claimId,
      actionId,
      bareIssueId,
      resolvedIssueId,
      freshIssue,
      publishableDraft,
    };
  }

  /** A fingerprint of every table: its row count and a hash of its rows (background work finished first). */
  const snapshot = () => fingerprint(h, tables);

  beforeAll(async () => {
    h = await startHarness(dialect);
    tables = await tableNames(h);
    a = await fixture(`org-a-${dialect}`);
    b = await fixture(`org-b-${dialect}`);
    doc = (await new Client(h.app).get(pathOf(routeTable.openapi, {}))).json();
  });
  afterAll(async () => {
    if (tally.variants)
      console.log(
        `[${dialect}] ${tally.routes} write routes × bad variants: ${tally.variants} bad requests, each 4xx naming its fault, none writing (${tables.length} tables fingerprinted)`,
      );
    await h?.close();
  });

  it('the table covers every write route the API describes, and no other', () => {
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described.length).toBeGreaterThan(0);
    expect(Object.keys(routes).sort()).toEqual(described.sort());
    expect(tables).toEqual(
      expect.arrayContaining(['organisations', 'members', 'invites', 'sessions', 'issues', 'cycles', 'statements', 'votes', 'vote_log', 'events']),
    );
  });

  it.each(Object.keys(routes))('%s', async (key) => {
    const route = routes[key]!;
    const [method, template] = key.split(' ') as [Method, string];
    const op = doc.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`${key} is not in the OpenAPI document`);

    // The valid request, from each organisation: it is the bad part that makes a variant fail.
    const baseline = async (f: Fixture, when: string) => {
      const params = (await route.params?.(f)) ?? {};
      const res = await (await route.client(f)).req(method, fillPath(template, params), (route.validBody ?? route.body)?.(f), route.headers?.() ?? {});
      expect(res.statusCode, `${key}: the valid request (${when}) answered ${res.body}`).toBe(route.status);
    };
    await baseline(a, 'before');
    await baseline(b, 'before, other organisation');

    const problems: string[] = [];
    const variants = await variantsOf(key, route, op, a, b);
    for (const v of variants) {
      const client = typeof v.client === 'function' ? await v.client() : v.client;
      const before = await snapshot();
      const res = await client.req(method, v.url, v.body, v.headers ?? {});
      const after = await snapshot();
      const where = `${key} — ${v.name}`;
      if (res.statusCode >= 500) problems.push(`${where}: ${res.statusCode} (server error) ${res.body}`);
      else if (res.statusCode !== v.status) problems.push(`${where}: expected ${v.status}, got ${res.statusCode} ${res.body}`);
      let payload: unknown;
      try {
        payload = res.json();
      } catch {
        problems.push(`${where}: the body is not JSON: ${res.body.slice(0, 200)}`);
      }
      const p = payload as { error?: unknown; message?: unknown } | undefined;
      if (!p || typeof p.error !== 'string' || typeof p.message !== 'string' || Object.keys(p).length !== 2) {
        problems.push(`${where}: the body is not {error, message}: ${res.body.slice(0, 200)}`);
      } else if (typeof v.message === 'string' ? !p.message.includes(v.message) : !v.message.test(p.message)) {
        problems.push(`${where}: the message "${p.message}" does not name ${String(v.message)}`);
      }
      const changed = changedTables(before, after);
      if (changed.length) problems.push(`${where}: wrote to ${changed.join(', ')}`);
    }
    await baseline(a, 'after the bad ones');

    tally.routes += 1;
    tally.variants += variants.length;
    console.log(`[${dialect}] ${key}: ${variants.length} bad variants`);
    expect(problems).toEqual([]);
  });
});
