/**
 * Property tests with fast-check (../shared/docs/research/reliability.md §3.3), on every dialect.
 *
 * 1. Generated bad input on every write route: the write routes are read from the API's own
 *    OpenAPI document (a write route without a valid request below fails the suite), and from
 *    each route's schemas fast-check generates requests that are invalid by construction, each
 *    one valid request with exactly one fault: a body that is not an object, deep nesting,
 *    unknown keys (`__proto__` and `constructor` among them), a field of the wrong type, out of
 *    its bounds, too long, not matching its pattern or choices, holding NUL, or missing; unicode
 *    at its edges (lone surrogates, bidi overrides, zero-width and combining characters) in all
 *    of these; unknown, malformed and other-organisation ids in the path and the body; malformed
 *    JSON, wrong content types, oversize bodies; no, forged or another organisation's session,
 *    too low a role, a missing or wrong CSRF token, a foreign origin. Every answer must be a 4xx
 *    with the body `{error, message}` (never a 5xx, never a success), and after each route's
 *    batch no table may have changed. The seed is fixed (MASSLINE_FC_SEED overrides it) and
 *    printed on failure.
 * 2. A model-based vote test: sequences of casts, changes, retries with an idempotency key and
 *    double clicks by several members on several statements; after each step the tallies equal
 *    an in-memory model, no member holds two current votes on one statement, the vote log holds
 *    exactly one row per change, and nothing answers 5xx.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { byOpenApiKey, pathOf, routeTable, type RouteName } from '../_util/routes.js';
import { changedTables, fingerprint, tableNames, type Fingerprint } from '../_util/tables.js';
import { criticise, currentKey, fetchTokens } from '../_util/criticism.js';
import { requestTokens, type CriticismToken } from '../../src/contract/criticism-tokens.js';

const SEED = Number(process.env.MASSLINE_FC_SEED ?? 20_260_526);
/** Generated bad requests per dialect, spread evenly over the write routes. */
const BAD_REQUESTS = 10_000;
const PASSWORD = 'correct horse battery';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Role = 'member' | 'organiser' | 'admin';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Session {
  cookie: string;
  csrf: string;
}
function sessionOf(c: Client): Session {
  if (!c.cookie || !c.csrf) throw new Error('the client holds no session');
  return { cookie: c.cookie, csrf: c.csrf };
}

/** One organisation with something of every kind to point at, built through the API. */
interface Fixture {
  slug: string;
  orgId: string;
  admin: Client;
  sessions: Record<Role, Session>;
  /** Ids by kind; every one of them is unknown to the other organisation. */
  ids: {
    issue: string;
    statement: string;
    published: string;
    draft: string;
    claim: string;
    action: string;
    report: string;
    member: string;
    invite: string;
    criticism: string;
    /** A statement of `issue` to merge into `statement`. */
    duplicate: string;
    /** Targets of requests that use them up: bad requests must leave them as they are. */
    advanceIssue: string;
    resolveIssue: string;
    publishable: string;
  };
  token: string;
  revokedToken: string;
  criticismToken: CriticismToken;
  epoch: { epoch: string; publicKey: string };
  freshIssue(): Promise<string>;
  freshInvite(): Promise<string>;
  freshStatement(): Promise<string>;
  publishableDraft(): Promise<string>;
  freshToken(): Promise<CriticismToken>;
}

interface WriteRoute {
  /** Who sends the valid request: nobody known, or the least privileged role the route admits. */
  who: 'public' | Role;
  params?: (f: Fixture) => Record<string, string>;
  body?: (f: Fixture) => Json;
  headers?: () => Record<string, string>;
  ok: number;
  /** Fresh path parameters for the one valid request sent first (the fuzzed ones keep `params`). */
  fresh?: (f: Fixture) => Promise<Record<string, string>>;
  /** A fresh body for that valid request, where the body's content is used up. */
  freshBody?: (f: Fixture) => Promise<Json>;
}

const uniqueKey = () => `key-${randomBytes(9).toString('base64url')}`;

/** A valid request for every write route, keyed as the OpenAPI document names it. */
const routesByName: Partial<Record<RouteName, WriteRoute>> = {
  signup: {
    who: 'public',
    body: () => ({
      organisation: { name: 'A new union', slug: 'fuzz-never-founded' },
      displayName: 'Founder',
      email: 'founder@example.test',
      password: PASSWORD,
    }),
    freshBody: async () => ({
      organisation: { name: 'A new union', slug: `new-${randomBytes(5).toString('hex')}` },
      displayName: 'Founder',
      email: 'founder@example.test',
      password: PASSWORD,
    }),
    ok: 201,
  },
  login: { who: 'public', body: (f) => ({ organisation: f.slug, email: `admin@${f.slug}.test`, password: PASSWORD }), ok: 200 },
  logout: { who: 'public', ok: 204 },
  updateOrganisation: {
    who: 'admin',
    body: () => ({ name: 'Renamed union', moderation: 'strict', settings: { beta: 2, embraceTarget: 0.5, fullConsultationActs: 3 } }),
    ok: 200,
  },
  updateMember: { who: 'admin', params: (f) => ({ memberId: f.ids.member }), body: () => ({ role: 'member', constituency: 'north' }), ok: 200 },
  createInvite: { who: 'organiser', body: () => ({ role: 'member', maxUses: 5, expiresInHours: 24, constituency: 'north' }), ok: 201 },
  revokeInvite: { who: 'organiser', params: (f) => ({ inviteId: f.ids.invite }), fresh: async (f) => ({ inviteId: await f.freshInvite() }), ok: 204 },
  acceptInvite: { who: 'public', params: (f) => ({ token: f.token }), body: () => ({ displayName: 'New member', constituency: 'south' }), ok: 201 },
  createIssue: { who: 'organiser', body: () => ({ title: 'Repairs', description: 'What do we demand of the landlord?' }), ok: 201 },
  advanceCycle: {
    who: 'organiser',
    params: (f) => ({ issueId: f.ids.advanceIssue }),
    fresh: async (f) => ({ issueId: await f.freshIssue() }),
    body: () => ({ note: 'enough gathered' }),
    ok: 200,
  },
  submitStatement: { who: 'member', params: (f) => ({ issueId: f.ids.issue }), body: () => ({ text: 'Heating before any increase', isSeed: false }), ok: 201 },
  moderate: { who: 'organiser', params: (f) => ({ statementId: f.ids.statement }), body: () => ({ status: 'accepted' }), ok: 200 },
  merge: {
    who: 'organiser',
    params: (f) => ({ statementId: f.ids.duplicate }),
    fresh: async (f) => ({ statementId: await f.freshStatement() }),
    body: (f) => ({ into: f.ids.statement }),
    ok: 200,
  },
  vote: {
    who: 'member',
    params: (f) => ({ statementId: f.ids.statement }),
    body: () => ({ vote: 1 }),
    headers: () => ({ 'idempotency-key': uniqueKey() }),
    ok: 200,
  },
  resolve: {
    who: 'organiser',
    params: (f) => ({ issueId: f.ids.resolveIssue }),
    fresh: async (f) => ({ issueId: await f.freshIssue() }),
    body: () => ({ successors: [{ title: 'Rent after the repairs', description: 'What the repairs campaign left open' }] }),
    ok: 200,
  },
  createDraft: {
    who: 'organiser',
    params: (f) => ({ issueId: f.ids.issue }),
    body: (f) => ({ claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: f.ids.statement, note: 'most agreed' }] }] }),
    ok: 201,
  },
  updateDraft: {
    who: 'organiser',
    params: (f) => ({ versionId: f.ids.draft }),
    body: (f) => ({ claims: [{ text: 'Repairs, then talks about rent', cites: [{ kind: 'statement', ref: f.ids.statement }] }] }),
    ok: 200,
  },
  publish: {
    who: 'organiser',
    params: (f) => ({ versionId: f.ids.publishable }),
    fresh: async (f) => ({ versionId: await f.publishableDraft() }),
    ok: 200,
  },
  endorse: { who: 'member', params: (f) => ({ versionId: f.ids.published }), body: () => ({ kind: 'critique', text: 'Too timid about the repairs' }), ok: 200 },
  createAction: {
    who: 'organiser',
    params: (f) => ({ issueId: f.ids.issue }),
    body: () => ({ title: 'Ballot on a rent strike', description: 'Door to door' }),
    ok: 201,
  },
  fileReport: {
    who: 'member',
    params: (f) => ({ issueId: f.ids.issue }),
    body: (f) => ({
      actionId: f.ids.action,
      claimId: f.ids.claim,
      verdict: 'confirms',
      whatDone: 'We balloted every block',
      whatHappened: 'The landlord fixed the boilers',
    }),
    ok: 201,
  },
  markImportant: { who: 'member', params: (f) => ({ issueId: f.ids.issue }), ok: 204 },
  unmarkImportant: { who: 'member', params: (f) => ({ issueId: f.ids.issue }), ok: 204 },
  markBlocks: { who: 'organiser', params: (f) => ({ issueId: f.ids.issue }), body: (f) => ({ blocks: f.ids.advanceIssue }), ok: 204 },
  unmarkBlocks: { who: 'organiser', params: (f) => ({ issueId: f.ids.issue, blockedId: f.ids.advanceIssue }), ok: 204 },
  criticismTokens: {
    who: 'member',
    body: (f) => ({ epoch: f.epoch.epoch, blinded: blindedFor.get(f.orgId)! }),
    ok: 200,
  },
  criticise: {
    who: 'public',
    body: (f) => ({ token: { ...f.criticismToken }, target: { kind: 'issue', issueId: f.ids.issue }, text: 'The demand was decided without block C.' }),
    freshBody: async (f) => ({
      token: { ...(await f.freshToken()) },
      target: { kind: 'leadership' },
      text: 'Meetings are called when shift workers cannot come.',
    }),
    ok: 201,
  },
  joinAction: { who: 'member', params: (f) => ({ actionId: f.ids.action }), ok: 200 },
  leaveAction: { who: 'member', params: (f) => ({ actionId: f.ids.action }), ok: 200 },
  second: { who: 'member', params: (f) => ({ criticismId: f.ids.criticism }), ok: 200 },
  unsecond: { who: 'member', params: (f) => ({ criticismId: f.ids.criticism }), ok: 200 },
  answerCriticism: {
    who: 'organiser',
    params: (f) => ({ criticismId: f.ids.criticism }),
    body: () => ({ text: 'We hear you: it goes to the next meeting.' }),
    ok: 201,
  },
};
/** Keyed as the OpenAPI document names each route. */
const routes = byOpenApiKey(routesByName);
/** A blinded message per organisation, made once (blinding is not free). */
const blindedFor = new Map<string, string[]>();

// ---------------------------------------------------------------------------------------------
// The schemas, as the OpenAPI document gives them.

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  additionalProperties?: boolean;
  enum?: Json[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  pattern?: string;
  default?: Json;
}
interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

const ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
const NUL_PATTERN = '^[^\\u0000]*$';

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
const jsonTypeOf = (v: Json): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));
const alternatives = (s: JsonSchema): JsonSchema[] => s.anyOf ?? s.oneOf ?? [s];

/** The JSON types a schema accepts (an integer field accepts numbers: a fraction is a bound, not a type). */
function acceptedTypes(s: JsonSchema): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const alt of alternatives(s)) {
    if (alt.nullable) out.add('null');
    const t = alt.type === 'integer' ? 'number' : alt.type;
    if (t) out.add(t as JsonType);
    else if (alt.enum) for (const e of alt.enum) out.add(jsonTypeOf(e));
    else throw new Error(`the generator cannot tell the type of ${JSON.stringify(s)}: extend acceptedTypes`);
  }
  if (s.nullable) out.add('null');
  return out;
}
const enumOf = (s: JsonSchema): Json[] | undefined => (alternatives(s).every((a) => a.enum) ? alternatives(s).flatMap((a) => a.enum ?? []) : undefined);
const single = (s: JsonSchema): JsonSchema | undefined => (alternatives(s).length === 1 ? alternatives(s)[0] : undefined);

// ---------------------------------------------------------------------------------------------
// Generators.

/** Characters at the edges of unicode and of parsers. */
const edgeChar = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  'e\u0301',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\r',
  '\n',
  '\t',
  '"',
  '\\',
  '/',
  '<',
  '>',
  '&',
  "'",
  '%',
  '?',
  '#',
  '{',
  '}',
  '😀',
  '👩‍👩‍👧',
  'é',
  '語',
  ' ',
);
const nastyChar = fc.oneof(
  { arbitrary: edgeChar, weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 1 },
);
const nastyString = (maxLength = 40) => fc.string({ unit: nastyChar, maxLength });
/** Printable ASCII and Latin-1: what a header value may carry. */
const headerString = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const wellFormedId = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);

/** A JSON value of none of the types `s` accepts. */
function wrongType(s: JsonSchema): fc.Arbitrary<Json> {
  const accepted = acceptedTypes(s);
  const byType: Record<JsonType, fc.Arbitrary<Json>> = {
    null: fc.constant(null),
    boolean: fc.boolean(),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    string: nastyString(),
    array: fc.array(anyJson, { maxLength: 4 }),
    object: fc.dictionary(nastyString(8), anyJson, { maxKeys: 4 }) as fc.Arbitrary<Json>,
  };
  const wrong = (Object.keys(byType) as JsonType[]).filter((t) => !accepted.has(t));
  return fc.oneof(...wrong.map((t) => byType[t]));
}

/** Strings `s` refuses, each for a reason of its own. */
function badStrings(name: string, s: JsonSchema): fc.Arbitrary<Json>[] {
  const out: fc.Arbitrary<Json>[] = [];
  const choices = enumOf(s);
  // A password is hashed, never stored or compared as text: any characters are its own.
  const opaque = name === 'password';
  if (choices) out.push(nastyString().filter((v) => !choices.includes(v)));
  if (s.maxLength !== undefined) {
    const max = s.maxLength;
    out.push(
      fc
        .tuple(nastyString(10), fc.constantFrom('x', 'é', '語', '😀', '\u202e'), fc.integer({ min: 1, max: 60 }))
        .map(([prefix, fill, extra]) => prefix + fill.repeat(max + extra))
        .filter((v) => v.trim().length > max),
    );
  }
  if ((s.minLength ?? 0) > 0) {
    const min = s.minLength!;
    out.push(nastyString(min - 1).filter((v) => v.length < min));
    if (!opaque) out.push(fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff'), maxLength: min + 20 }));
  }
  if (s.pattern !== undefined && s.pattern !== NUL_PATTERN) {
    const re = new RegExp(s.pattern, 'u');
    const refused = (v: string) => !re.test(v) && !re.test(v.trim()) && !re.test(v.trim().toLowerCase());
    out.push(nastyString().filter(refused));
  }
  if (!opaque) {
    // NUL is valid JSON but no text column stores it: every text field must refuse it.
    out.push(fc.tuple(nastyString(20), nastyString(20)).map(([x, y]) => `${x}\u0000${y}`));
  }
  return out;
}

/** Numbers `s` refuses: below, above, a fraction where an integer is due, not one of the choices. */
function badNumbers(s: JsonSchema): fc.Arbitrary<Json>[] {
  const finite = { noNaN: true, noDefaultInfinity: true } as const;
  const choices = enumOf(s);
  const alt = single(s);
  /** Whether the number, as the server will read it back from JSON (-0 is 0), breaks a rule. */
  const refused = (v: number) => {
    const n = JSON.parse(JSON.stringify(v)) as number;
    if (choices) return !choices.includes(n);
    if (!alt) return false;
    const exMin = alt.exclusiveMinimum === true ? alt.minimum : typeof alt.exclusiveMinimum === 'number' ? alt.exclusiveMinimum : undefined;
    const exMax = alt.exclusiveMaximum === true ? alt.maximum : typeof alt.exclusiveMaximum === 'number' ? alt.exclusiveMaximum : undefined;
    if (exMin !== undefined ? n <= exMin : alt.minimum !== undefined && n < alt.minimum) return true;
    if (exMax !== undefined ? n >= exMax : alt.maximum !== undefined && n > alt.maximum) return true;
    return alt.type === 'integer' && !Number.isInteger(n);
  };
  const out: fc.Arbitrary<number>[] = [];
  if (choices) out.push(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double(finite)));
  if (alt) {
    const low = typeof alt.exclusiveMinimum === 'number' ? alt.exclusiveMinimum : alt.minimum;
    const high = typeof alt.exclusiveMaximum === 'number' ? alt.exclusiveMaximum : alt.maximum;
    if (low !== undefined) out.push(fc.oneof(fc.double({ ...finite, max: low }), fc.integer({ min: -1e9, max: Math.ceil(low) })));
    if (high !== undefined) out.push(fc.oneof(fc.double({ ...finite, min: high }), fc.integer({ min: Math.floor(high), max: 1e12 })));
    if (alt.type === 'integer') out.push(fc.double({ ...finite, min: low ?? -1e6, max: high ?? 1e6 }));
  }
  return out.map((a) => a.filter(refused));
}

/** Deeply nested JSON text: arrays, objects, or both. */
const deepText = fc.tuple(fc.constantFrom('array', 'object', 'mixed'), fc.integer({ min: 50, max: 8000 })).map(([kind, depth]) => {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return '[{"a":'.repeat(depth / 2) + 'null' + '}]'.repeat(depth / 2);
});

/** Text that is not JSON, even without a leading byte-order mark or white space. */
function malformed(valid: string): fc.Arbitrary<string | Buffer> {
  const isMalformed = (t: string) => {
    try {
      JSON.parse(t.replace(/^\ufeff/, ''));
      return false;
    } catch {
      return true;
    }
  };
  return fc
    .oneof(
      fc.integer({ min: 1, max: Math.max(1, valid.length - 1) }).map((n) => valid.slice(0, n)),
      fc
        .tuple(fc.constantFrom('{', '[', '{"a":', '"', "{'a': 1}", 'undefined', 'NaN', '{"a":1,}', '[1,]', '{"a" 1}', '\u0000'), nastyString())
        .map(([x, y]) => x + y),
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.constantFrom('{"text": "', '{"', '['))
        .map(([bytes, prefix]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)])),
    )
    .filter((t) => isMalformed(typeof t === 'string' ? t : t.toString('utf8')));
}

const unsupportedTypes = fc.oneof(
  fc.constantFrom(
    'application/xml',
    'text/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'image/png',
    'text/html',
    'application/javascript',
    'text/csv',
  ),
  fc.tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z0-9.+-]{1,12}$/)).map(([a, b]) => `x-${a}/${b}`),
);

/** A path segment as a client would encode it, lone surrogates as the WTF-8 bytes no decoder accepts. */
function encodeSegment(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(s[i]!).replace(/\./g, '%2E');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One request with one fault.

/** JSON text or raw bytes, sent as they are. */
type Payload = string | Buffer | undefined;
interface BadRequest {
  fault: string;
  url: string;
  headers: Record<string, string>;
  payload: Payload;
}
/** Stands in the body for a deeply nested value, replaced in its text (no JSON.stringify goes that deep). */
const DEEP_MARK = '\u0001deep\u0001';

/** A body with one value set (or removed) at a path; keys are set as own properties, `__proto__` too. */
function edited(body: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
const textOf = (body: Json, deep?: string) => (deep === undefined ? JSON.stringify(body) : JSON.stringify(body).replace(JSON.stringify(DEEP_MARK), deep));

interface Base {
  url: (params?: Record<string, string>) => string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body: Json | undefined;
}

/** Every place in the body a fault can go: each property of each object the valid body holds. */
function slotsOf(
  schema: JsonSchema,
  body: Json,
  path: (string | number)[] = [],
): { path: (string | number)[]; name: string; schema: JsonSchema; required: boolean }[] {
  const out: { path: (string | number)[]; name: string; schema: JsonSchema; required: boolean }[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const p = [...path, name];
    out.push({ path: p, name, schema: field, required: schema.required?.includes(name) ?? false });
    const present = (body as Record<string, Json> | null)?.[name];
    if (present === undefined) continue;
    const alt = single(field);
    if (alt?.type === 'object' && alt.properties) out.push(...slotsOf(alt, present, p));
    if (alt?.type === 'array' && Array.isArray(present) && present.length > 0 && alt.items?.type === 'object' && alt.items.properties)
      out.push(...slotsOf(alt.items, present[0]!, [...p, 0]));
  }
  return out;
}
/** Every object of the body that refuses unknown keys, by its path. */
function strictObjects(schema: JsonSchema, body: Json, path: (string | number)[] = []): (string | number)[][] {
  const out = schema.additionalProperties === false ? [path] : [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const present = (body as Record<string, Json> | null)?.[name];
    const alt = single(field);
    if (present === undefined || !alt) continue;
    if (alt.type === 'object') out.push(...strictObjects(alt, present, [...path, name]));
    if (alt.type === 'array' && Array.isArray(present) && present.length > 0 && alt.items?.type === 'object')
      out.push(...strictObjects(alt.items, present[0]!, [...path, name, 0]));
  }
  return out;
}

interface Others {
  /** Ids of the other organisation, of every kind. */
  foreignIds: string[];
  foreignOrgId: string;
  foreignSession: Session;
  /** A session of each role of this organisation (for the too-low-role fault). */
  sessions: Record<Role, Session>;
  revokedToken: string;
}

function cookieHeaders(s: Session | undefined, csrf = true): Record<string, string> {
  if (!s) return {};
  return { cookie: `massline_session=${s.cookie}; massline_csrf=${s.csrf}`, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) };
}

/** Every kind of fault this route can carry, each an arbitrary of whole bad requests. */
function faultsOf(key: string, route: WriteRoute, op: OpenApiOperation, base: Base, others: Others): fc.Arbitrary<BadRequest>[] {
  const url = base.url();
  const json = { 'content-type': 'application/json' };
  const withBody = (fault: string, text: Payload, headers: Record<string, string> = {}): BadRequest => ({
    fault,
    url,
    headers: { ...base.headers, ...json, ...headers },
    payload: text,
  });
  const validText = base.body === undefined ? undefined : JSON.stringify(base.body);
  const same = (fault: string, headers: Record<string, string>): BadRequest => ({
    fault,
    url,
    headers: { ...headers, ...(validText === undefined ? {} : json) },
    payload: validText,
  });
  const out: fc.Arbitrary<BadRequest>[] = [];

  // The body, from its schema.
  const schema = op.requestBody?.content['application/json']?.schema;
  if (schema) {
    if (base.body === undefined) throw new Error(`${key}: the API describes a body; give the valid request one`);
    const body = base.body;
    out.push(
      fc
        .oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), nastyString(), fc.array(anyJson, { maxLength: 5 }))
        .map((v) => withBody('the body not an object', JSON.stringify(v))),
    );
    out.push(deepText.map((d) => withBody('the body deeply nested', d)));
    out.push(fc.constant(withBody('the body a JSON text as text/plain', validText, { 'content-type': 'text/plain' })));
    out.push(fc.constant(withBody('an empty body', '')));
    for (const slot of slotsOf(schema, body)) {
      const where = slot.path.join('.');
      const put = (fault: string) => (v: Json) => withBody(`${where}: ${fault}`, textOf(edited(body, slot.path, v)));
      out.push(wrongType(slot.schema).map(put('the wrong type')));
      out.push(deepText.map((d) => withBody(`${where}: deeply nested`, textOf(edited(body, slot.path, DEEP_MARK), d))));
      if (slot.required) out.push(fc.constant(withBody(`${where}: missing`, textOf(edited(body, slot.path, undefined)))));
      const types = acceptedTypes(slot.schema);
      if (types.has('string')) for (const a of badStrings(slot.name, single(slot.schema) ?? slot.schema)) out.push(a.map(put('a string it refuses')));
      if (types.has('number')) for (const a of badNumbers(slot.schema)) out.push(a.map(put('a number it refuses')));
      const alt = single(slot.schema);
      if (alt?.pattern === ID_PATTERN) {
        out.push(fc.oneof(fc.uuid(), wellFormedId, fc.constantFrom(...others.foreignIds)).map(put('an unknown or foreign id')));
      }
      if (alt?.type === 'array') {
        const present = getAt(body, slot.path);
        if (alt.maxItems !== undefined && Array.isArray(present) && present.length > 0)
          out.push(fc.constant(put(`more than ${alt.maxItems} items`)(Array(alt.maxItems + 1).fill(present[0]) as Json)));
        if ((alt.minItems ?? 0) > 0) out.push(fc.constant(put('too few items')([])));
        if (alt.items) out.push(fc.array(wrongType(alt.items), { minLength: 1, maxLength: 3 }).map(put('items of the wrong type')));
      }
    }
    for (const path of strictObjects(schema, body)) {
      const known = new Set(Object.keys((getAt(body, path) as Record<string, Json>) ?? {}).concat(Object.keys(schemaAt(schema, path)?.properties ?? {})));
      const names = fc
        .oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'), nastyString(12))
        .filter((n) => !known.has(n));
      const at = path.length ? path.join('.') : 'the body';
      out.push(fc.tuple(names, anyJson).map(([n, v]) => withBody(`${at}: an unknown key ${JSON.stringify(n)}`, textOf(edited(body, [...path, n], v)))));
      out.push(fc.constant(withBody(`${at}: constructor.prototype`, textOf(edited(body, [...path, 'constructor'], { prototype: { polluted: true } })))));
      out.push(fc.constant(withBody(`${at}: __proto__`, textOf(edited(body, [...path, '__proto__'], { polluted: true })))));
    }
  } else if (base.body !== undefined) {
    throw new Error(`${key}: the valid request has a body but the API describes none`);
  }

  // The text, its type, its size.
  out.push(malformed(validText ?? '{"a": 1}').map((t) => withBody('malformed JSON', t)));
  out.push(fc.tuple(unsupportedTypes, nastyString()).map(([type, text]) => withBody(`content-type ${type}`, validText ?? text, { 'content-type': type })));
  out.push(
    fc
      .integer({ min: 65, max: 160 })
      .map((kib) => withBody(`a body of ${kib} KiB`, JSON.stringify({ ...((base.body as object) ?? {}), padding: 'x'.repeat(kib * 1024) }))),
  );

  // Path parameters: unknown, malformed, another organisation's.
  const names = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const name of names) {
    const at = (v: string) => base.url({ ...base.params, [name]: v });
    const req =
      (fault: string) =>
      (segment: string): BadRequest => ({
        fault: `${name}: ${fault}`,
        url: at(segment),
        headers: { ...base.headers, ...(validText === undefined ? {} : json) },
        payload: validText,
      });
    const malformedSegment = nastyString()
      .filter((v) => v !== '' && !/^\.{1,2}$/.test(v) && !new RegExp(ID_PATTERN).test(v) && !/^[A-Za-z0-9_-]{20,100}$/.test(v))
      .map(encodeSegment);
    out.push(malformedSegment.map(req('malformed')));
    if (name === 'token') {
      // An invite token is a capability, not an organisation's id: another organisation's is a valid one.
      out.push(fc.stringMatching(/^[A-Za-z0-9_-]{20,100}$/).map(req('unknown')));
      out.push(fc.constant(others.revokedToken).map(req('revoked')));
    } else {
      out.push(fc.oneof(fc.uuid(), wellFormedId).map(req('unknown')));
      out.push(fc.constantFrom(...(name === 'orgId' ? [others.foreignOrgId] : others.foreignIds)).map(req("another organisation's")));
    }
  }

  // Who sends it.
  if (route.who !== 'public') {
    const session = others.sessions[route.who];
    out.push(fc.constant(same('no session', {})));
    out.push(fc.base64String({ minLength: 4, maxLength: 64 }).map((t) => same('a forged session', cookieHeaders({ cookie: t.replace(/=+$/, ''), csrf: t }))));
    out.push(headerString.map((c) => same('a malformed cookie header', { cookie: c })));
    out.push(fc.constant(same("another organisation's session", cookieHeaders(others.foreignSession))));
    for (const low of (['member', 'organiser'] as const).filter((r) => (route.who === 'admin' ? true : route.who === 'organiser' ? r === 'member' : false))) {
      out.push(fc.constant(same(`a ${low}`, cookieHeaders(others.sessions[low]))));
    }
    out.push(fc.constant(same('no x-csrf-token', cookieHeaders(session, false))));
    out.push(
      headerString.filter((t) => t.trim() !== session.csrf).map((t) => same('a wrong x-csrf-token', { ...cookieHeaders(session, false), 'x-csrf-token': t })),
    );
  }
  out.push(
    fc
      .constantFrom('https://evil.example', 'null', 'http://localhost.evil.example', 'http://localhost:8081')
      .map((o) => same(`Origin ${o}`, { ...base.headers, origin: o })),
  );
  out.push(fc.constant(same('sec-fetch-site: cross-site', { ...base.headers, 'sec-fetch-site': 'cross-site' })));

  // Headers with a format.
  for (const p of (op.parameters ?? []).filter((x) => x.in === 'header' && x.schema.pattern)) {
    const re = new RegExp(p.schema.pattern!, 'u');
    // Surrounding white space may be stripped on the way: the value must be refused without it too.
    out.push(
      headerString
        .filter((v) => v.trim() !== '' && !re.test(v) && !re.test(v.trim()))
        .map((v) => ({
          ...same(`header ${p.name} malformed`, base.headers),
          headers: { ...base.headers, ...(validText === undefined ? {} : json), [p.name]: v },
        })),
    );
  }
  return out;
}

function getAt(body: Json, path: (string | number)[]): Json | undefined {
  let node: Json | undefined = body;
  for (const key of path) node = (node as Record<string | number, Json> | null | undefined)?.[key];
  return node;
}
function schemaAt(schema: JsonSchema, path: (string | number)[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  for (const key of path) s = typeof key === 'number' ? single(s ?? {})?.items : single(s ?? {})?.properties?.[key];
  return s;
}

const fillPath = (template: string, params: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `<${name}?>`);

// ---------------------------------------------------------------------------------------------

describe.each(dialects)('property tests on %s', (dialect) => {
  let h: Harness;
  // The clock stands still, so no session is marked as seen (an hourly write) between two fingerprints.
  const T0 = Date.parse('2026-03-02T09:00:00Z');
  const T1 = Date.parse('2026-03-03T19:00:00Z');
  let now = T0;
  let a: Fixture;
  let b: Fixture;
  let doc: { paths: Record<string, Record<string, OpenApiOperation>> };
  let tables: string[] = [];
  const tally = { sent: 0, routes: 0, serverErrors: 0, accepted: 0, badBodies: 0, tablesChanged: 0, commands: 0 };

  async function fixture(slug: string): Promise<Fixture> {
    const app = h.app;
    const org = await signUp(app, slug);
    const base = pathOf(routeTable.organisation, { orgId: org.orgId });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<LightMyRequestResponse>, status: number): Promise<any> => {
      const r = await p;
      if (r.statusCode !== status) throw new Error(`fixture ${slug}: expected ${status}, got ${r.statusCode} ${r.body}`);
      return r.body ? r.json() : null;
    };
    const organiser = await joinAsMember(app, org, 'organiser');
    const member = await joinAsMember(app, org);
    const target = await joinAsMember(app, org);
    const freshIssue = async () => (await ok(org.admin.post(`${base}/issues`, { title: 'Another issue' }), 201)).id as string;
    const statement = async (issueId: string, text: string) => (await ok(org.admin.post(`${base}/issues/${issueId}/statements`, { text }), 201)).id as string;
    const publishableDraft = async () => {
      const id = await freshIssue();
      const s = await statement(id, 'Organise every block');
      await ok(member.client.put(`${base}/statements/${s}/vote`, { vote: 1 }), 200);
      await ok(org.admin.post(`${base}/issues/${id}/cycle/advance`, {}), 200);
      await h.ctx.jobs.analyses.analyzeNow(org.orgId, id);
      return (
        await ok(
          org.admin.post(`${base}/issues/${id}/line/drafts`, { claims: [{ text: 'Every block organised', cites: [{ kind: 'statement', ref: s }] }] }),
          201,
        )
      ).id as string;
    };
    // An issue through concentrate into propagate: a published line, an action, a report, a newer draft.
    const issue = await freshIssue();
    const statementId = await statement(issue, 'Freeze the rent');
    await ok(member.client.put(`${base}/statements/${statementId}/vote`, { vote: 1 }), 200);
    await ok(org.admin.post(`${base}/issues/${issue}/cycle/advance`, {}), 200);
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue);
    const first = await ok(
      org.admin.post(`${base}/issues/${issue}/line/drafts`, {
        claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: statementId }] }],
      }),
      201,
    );
    const published = await ok(org.admin.post(`${base}/line-versions/${first.id}/publish`), 200);
    const action = await ok(org.admin.post(`${base}/issues/${issue}/actions`, { title: 'Withhold rent' }), 201);
    const report = await ok(
      member.client.post(`${base}/issues/${issue}/reports`, { actionId: action.id, whatDone: 'We balloted', whatHappened: 'Nothing yet' }),
      201,
    );
    const draft = await ok(
      org.admin.post(`${base}/issues/${issue}/line/drafts`, { claims: [{ text: 'Repairs, then talks', cites: [{ kind: 'statement', ref: statementId }] }] }),
      201,
    );
    const invite = await ok(org.admin.post(`${base}/invites`, { maxUses: 100_000 }), 201);
    const spare = await ok(org.admin.post(`${base}/invites`, {}), 201);
    const revoked = await ok(org.admin.post(`${base}/invites`, {}), 201);
    await ok(org.admin.delete(`${base}/invites/${revoked.id}`), 204);
    const pool: CriticismToken[] = [];
    const freshToken = async () => {
      if (pool.length === 0) pool.push(...(await fetchTokens((await joinAsMember(app, org)).client, org.orgId, 5)));
      return pool.pop()!;
    };
    const criticism = await ok(
      criticise(app, org.orgId, await freshToken(), 'The rent demand was decided without block C.', { kind: 'issue', issueId: issue }),
      201,
    );
    const epoch = currentKey(await ok(member.client.get(`${base}/criticism/epoch`), 200));
    blindedFor.set(org.orgId, (await requestTokens(epoch.epoch, epoch.publicKey, 1)).blinded);
    return {
      slug,
      orgId: org.orgId,
      admin: org.admin,
      sessions: { member: sessionOf(member.client), organiser: sessionOf(organiser.client), admin: sessionOf(org.admin) },
      ids: {
        issue,
        statement: statementId,
        published: first.id,
        draft: draft.id,
        claim: published.claims[0].id,
        action: action.id,
        report: report.id,
        member: target.memberId,
        invite: spare.id,
        criticism: criticism.id,
        duplicate: await statement(issue, 'Freeze the rent now'),
        advanceIssue: await freshIssue(),
        resolveIssue: await freshIssue(),
        publishable: await publishableDraft(),
      },
      token: invite.token,
      revokedToken: revoked.token,
      criticismToken: await freshToken(),
      epoch: { epoch: epoch.epoch, publicKey: epoch.publicKey },
      freshIssue,
      async freshInvite() {
        return (await ok(org.admin.post(`${base}/invites`, {}), 201)).id as string;
      },
      freshStatement: () => statement(issue, `Freeze the rent, please (${randomBytes(4).toString('hex')})`),
      publishableDraft,
      freshToken,
    };
  }

  /** One request, as the pages would send it (or as the generator made it), by inject. */
  async function send(method: Method, r: { url: string; headers: Record<string, string>; payload: Payload }): Promise<LightMyRequestResponse> {
    return h.app.inject({ method, url: r.url, headers: r.headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
  }

  function baseOf(key: string, route: WriteRoute, f: Fixture, params = route.params?.(f) ?? {}): Base {
    const template = key.slice(key.indexOf(' ') + 1);
    const all = { orgId: f.orgId, ...params };
    return {
      // Ids are base64url; a fault's segment comes encoded already.
      url: (p = all) => fillPath(template, p),
      params: all,
      headers: { ...(route.who === 'public' ? {} : cookieHeaders(f.sessions[route.who])), ...(route.headers?.() ?? {}) },
      body: route.body?.(f),
    };
  }

  beforeAll(async () => {
    h = await startHarness(dialect, { analysisDebounceMs: 3_600_000, clock: () => new Date(now) });
    tables = await tableNames(h);
    a = await fixture(`fuzz-a-${dialect}`);
    b = await fixture(`fuzz-b-${dialect}`);
    // The next day: yesterday's criticism is published (read once to publish it) and every session seen once.
    now = T1;
    for (const f of [a, b]) {
      const list = await f.admin.get(pathOf(routeTable.criticisms, { orgId: f.orgId }));
      if (!list.json().criticisms?.some((c: { id: string }) => c.id === f.ids.criticism))
        throw new Error(`fixture: the criticism was not published: ${list.body}`);
      for (const s of Object.values(f.sessions)) await h.app.inject({ method: 'GET', url: pathOf(routeTable.me, {}), headers: cookieHeaders(s) });
    }
    doc = (await new Client(h.app).get(pathOf(routeTable.openapi, {}))).json();
  });
  afterAll(async () => {
    if (tally.routes) {
      console.log(
        `[${dialect}] property: ${tally.sent} generated bad requests on ${tally.routes} write routes (seed ${SEED}): ` +
          `${tally.serverErrors} answered 5xx, ${tally.accepted} accepted, ${tally.badBodies} without {error, message}; tables changed by them: ${tally.tablesChanged}`,
      );
    }
    if (tally.commands) console.log(`[${dialect}] model-based votes: ${tally.commands} commands, tallies equal to the model after each`);
    await h?.close();
  });

  it('has a valid request for every write route the API describes, and no other', () => {
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(Object.keys(routes).sort()).toEqual(described.sort());
  });

  const keys = Object.keys(routes);
  it.each(keys)('%s', async (key) => {
    const route = routes[key]!;
    const method = key.slice(0, key.indexOf(' ')) as Method;
    const op = doc.paths[key.slice(key.indexOf(' ') + 1)]?.[method.toLowerCase()];
    if (!op) throw new Error(`${key} is not in the OpenAPI document`);

    // The valid request goes through (on fresh targets where it uses them up): each bad one differs from it by its fault alone.
    const fresh = baseOf(key, route, a, route.fresh ? await route.fresh(a) : undefined);
    const valid = await send(method, {
      url: fresh.url(),
      headers: { ...fresh.headers, ...(fresh.body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: route.freshBody ? JSON.stringify(await route.freshBody(a)) : fresh.body === undefined ? undefined : JSON.stringify(fresh.body),
    });
    expect(valid.statusCode, `${key}: the valid request answered ${valid.body}`).toBe(route.ok);

    const base = baseOf(key, route, a);
    const others: Others = {
      foreignIds: [...new Set(Object.values(b.ids))],
      foreignOrgId: b.orgId,
      foreignSession: b.sessions.member,
      sessions: a.sessions,
      revokedToken: a.revokedToken,
    };
    const bad = fc.oneof(...faultsOf(key, route, op, base, others));
    const seed = SEED + keys.indexOf(key);
    const numRuns = Math.ceil(BAD_REQUESTS / keys.length);
    const before: Fingerprint = await fingerprint(h, tables);
    try {
      await fc.assert(
        fc.asyncProperty(bad, async (r) => {
          const res = await send(method, r);
          tally.sent += 1;
          const what = `${r.fault} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          if (res.statusCode >= 500) {
            tally.serverErrors += 1;
            throw new Error(`a server error: ${what}`);
          }
          if (res.statusCode < 400) {
            tally.accepted += 1;
            throw new Error(`an invalid request was accepted: ${what}`);
          }
          let p: { error?: unknown; message?: unknown } | undefined;
          try {
            p = res.json();
          } catch {
            p = undefined;
          }
          if (!p || typeof p.error !== 'string' || typeof p.message !== 'string' || Object.keys(p).length !== 2) {
            tally.badBodies += 1;
            throw new Error(`the body is not {error, message}: ${what}`);
          }
        }),
        { seed, numRuns, endOnFailure: false },
      );
    } catch (err) {
      console.error(`[${dialect}] ${key}: fast-check seed ${seed} (MASSLINE_FC_SEED=${SEED}), ${numRuns} runs`);
      throw err;
    }
    const changed = changedTables(before, await fingerprint(h, tables));
    tally.tablesChanged += changed.length;
    tally.routes += 1;
    expect(changed, `${key}: bad requests wrote`).toEqual([]);
    // Nothing reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('votes: casts, changes, keyed retries and double clicks by several members keep the tallies of a model', async () => {
    const base = pathOf(routeTable.organisation, { orgId: a.orgId });
    const voters: Session[] = [a.sessions.member, a.sessions.organiser];
    voters.push(sessionOf((await joinAsMember(h.app, { orgId: a.orgId, admin: a.admin })).client));
    const members = await Promise.all(
      voters.map(async (v) => (await h.app.inject({ method: 'GET', url: pathOf(routeTable.me, {}), headers: cookieHeaders(v) })).json().member.id as string),
    );
    const put = (voter: number, statementId: string, value: VoteValue, key?: string) =>
      h.app.inject({
        method: 'PUT',
        url: `${base}/statements/${statementId}/vote`,
        headers: { ...cookieHeaders(voters[voter]), 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        payload: JSON.stringify({ vote: value }),
      });
    const mine = async (voter: number, statementId: string) => {
      const res = await h.app.inject({ method: 'GET', url: `${base}/issues/${await statementIssue(statementId)}`, headers: cookieHeaders(voters[voter]) });
      return ((res.json() as { statements: { id: string; myVote: VoteValue | null }[] }).statements.find((x) => x.id === statementId)?.myVote ??
        null) as VoteValue | null;
    };
    const statementIssue = async (statementId: string) =>
      (await h.ctx.store.db.selectFrom('statements').select('issue_id').where('id', '=', statementId).executeTakeFirstOrThrow()).issue_id;
    const setup = async () => {
      const issue = (await a.admin.post(`${base}/issues`, { title: 'Where to meet' })).json().id as string;
      const statements: string[] = [];
      for (const text of ['In the laundry room', 'In the park'])
        statements.push((await a.admin.post(`${base}/issues/${issue}/statements`, { text })).json().id);
      return {
        model: { votes: new Map<string, VoteValue>(), changes: 0, sent: [], kept: new Map() } as VoteModel,
        real: { issue, statements, put, mine, members } as VoteReal,
      };
    };
    const voter = fc.integer({ min: 0, max: voters.length - 1 });
    // Few members and statements, so commands meet on the same vote often.
    const statement = fc.integer({ min: 0, max: 1 });
    const value = fc.constantFrom<VoteValue>(1, -1, 0);
    const commands = fc.commands(
      [
        fc.tuple(voter, statement, value).map(([m, st, v]) => new Cast(m, st, v)),
        fc.tuple(voter, statement, value).map(([m, st, v]) => new KeyedCast(m, st, v)),
        fc.tuple(fc.nat(), fc.option(value, { nil: undefined }), fc.option(statement, { nil: undefined })).map(([i, v, st]) => new Retry(i, v, st)),
        fc.tuple(voter, statement, value, value).map(([m, st, v1, v2]) => new DoubleClick(m, st, v1, v2)),
      ],
      { maxCommands: 20 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        await fc.asyncModelRun(async () => {
          const s = await setup();
          s.real.verify = (model: VoteModel) => verifyVotes(s.real, model);
          return s;
        }, cmds);
        tally.commands += [...cmds].length;
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  /** The issue's tallies, totals and log against the model; at most one current vote per member and statement. */
  async function verifyVotes(real: VoteReal, model: VoteModel): Promise<void> {
    const detail = (await a.admin.get(pathOf(routeTable.issue, { orgId: a.orgId, issueId: real.issue }))).json() as {
      statements: { id: string; votes: Record<'agree' | 'disagree' | 'pass', number> }[];
      votes: number;
      participants: number;
      votesCast: number;
    };
    for (const [i, id] of real.statements.entries()) {
      const values = [...model.votes.entries()].filter(([k]) => k.endsWith(`|${i}`)).map(([, v]) => v);
      const expected = {
        agree: values.filter((v) => v === 1).length,
        disagree: values.filter((v) => v === -1).length,
        pass: values.filter((v) => v === 0).length,
      };
      expect(detail.statements.find((s) => s.id === id)?.votes, `statement ${i}`).toEqual(expected);
    }
    expect(detail.votes).toBe(model.votes.size);
    expect(detail.participants).toBe(new Set([...model.votes.keys()].map((k) => k.split('|')[0])).size);
    expect(detail.votesCast).toBe(model.changes);
    const db = h.ctx.store.db;
    const doubles = await db
      .selectFrom('votes')
      .select(['member_id', 'statement_id'])
      .where('issue_id', '=', real.issue)
      .groupBy(['member_id', 'statement_id'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(doubles).toEqual([]);
    const logged = await db
      .selectFrom('vote_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('issue_id', '=', real.issue)
      .executeTakeFirstOrThrow();
    expect(Number(logged.n)).toBe(model.changes);
  }
});

// ---------------------------------------------------------------------------------------------
// The model-based vote test's commands.

type VoteValue = 1 | -1 | 0;
interface VoteModel {
  /** The current vote of each `${member}|${statement}`. */
  votes: Map<string, VoteValue>;
  /** Votes that changed something: the log's length. */
  changes: number;
  /** Every keyed vote sent, to be retried. */
  sent: { key: string; voter: number; statement: number; value: VoteValue }[];
  /** The keys the server keeps, with the answer a retry gets. */
  kept: Map<string, { statement: number; value: VoteValue }>;
}

/**
 * Whether a keyed vote that changes nothing (the member's vote was already that) keeps its key.
 * It does since migration 0007-vote-keys (every keyed vote's key is kept in vote_keys, changed or
 * not), so a late retry of it after a newer vote is answered as the first request was and
 * changes nothing. Before, the key was kept only with a log row, and such a retry was cast anew
 * over the newer vote.
 */
const UNCHANGED_VOTE_KEEPS_ITS_KEY = true;
interface VoteReal {
  issue: string;
  statements: string[];
  members: string[];
  put(voter: number, statementId: string, value: VoteValue, key?: string): Promise<LightMyRequestResponse>;
  /** The voter's current vote on the statement, as the issue shows it to them. */
  mine(voter: number, statementId: string): Promise<VoteValue | null>;
  verify?(model: VoteModel): Promise<void>;
}
function expectVote(res: LightMyRequestResponse, value: VoteValue, changed: boolean | undefined, what: string) {
  if (res.statusCode !== 200) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  const r = res.json() as { vote: VoteValue; changed: boolean };
  expect(r.vote, what).toBe(value);
  if (changed !== undefined) expect(r.changed, what).toBe(changed);
  return r;
}

/** Cast or change a vote. */
class Cast implements fc.AsyncCommand<VoteModel, VoteReal> {
  constructor(
    readonly voter: number,
    readonly statement: number,
    readonly value: VoteValue,
  ) {}
  check = () => true;
  async run(model: VoteModel, real: VoteReal) {
    const k = `${this.voter}|${this.statement}`;
    const changed = model.votes.get(k) !== this.value;
    expectVote(await real.put(this.voter, real.statements[this.statement]!, this.value), this.value, changed, this.toString());
    model.votes.set(k, this.value);
    if (changed) model.changes += 1;
    await real.verify!(model);
  }
  toString = () => `cast(${this.voter}, ${this.statement}, ${this.value})`;
}

/** A vote sent with a new idempotency key. */
class KeyedCast implements fc.AsyncCommand<VoteModel, VoteReal> {
  constructor(
    readonly voter: number,
    readonly statement: number,
    readonly value: VoteValue,
  ) {}
  check = () => true;
  async run(model: VoteModel, real: VoteReal) {
    const key = uniqueKey();
    const k = `${this.voter}|${this.statement}`;
    const changed = model.votes.get(k) !== this.value;
    expectVote(await real.put(this.voter, real.statements[this.statement]!, this.value, key), this.value, changed, this.toString());
    model.votes.set(k, this.value);
    if (changed) model.changes += 1;
    if (changed || UNCHANGED_VOTE_KEEPS_ITS_KEY) model.kept.set(key, { statement: this.statement, value: this.value });
    model.sent.push({ key, voter: this.voter, statement: this.statement, value: this.value });
    await real.verify!(model);
  }
  toString = () => `keyedCast(${this.voter}, ${this.statement}, ${this.value})`;
}

/**
 * An earlier keyed vote sent again (late, after whatever came since): as it was, or with the key
 * reused for another value or another statement. A kept key is answered from its first write and
 * changes nothing; on another statement it is refused (409).
 */
class Retry implements fc.AsyncCommand<VoteModel, VoteReal> {
  constructor(
    readonly pick: number,
    readonly otherValue: VoteValue | undefined,
    readonly otherStatement: number | undefined,
  ) {}
  check = (model: Readonly<VoteModel>) => model.sent.length > 0;
  async run(model: VoteModel, real: VoteReal) {
    const first = model.sent[this.pick % model.sent.length]!;
    const statement = this.otherStatement ?? first.statement;
    const value = this.otherValue ?? first.value;
    const what = `${this.toString()} of keyedCast(${first.voter}, ${first.statement}, ${first.value}) as (${statement}, ${value})`;
    const res = await real.put(first.voter, real.statements[statement]!, value, first.key);
    const kept = model.kept.get(first.key);
    if (kept && kept.statement !== statement) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(409);
    } else if (kept) {
      expectVote(res, kept.value, false, what);
    } else {
      // A key the server did not keep: the vote is cast anew.
      const k = `${first.voter}|${statement}`;
      const changed = model.votes.get(k) !== value;
      expectVote(res, value, changed, what);
      model.votes.set(k, value);
      if (changed) model.changes += 1;
      if (changed || UNCHANGED_VOTE_KEEPS_ITS_KEY) model.kept.set(first.key, { statement, value });
    }
    await real.verify!(model);
  }
  toString = () =>
    `retry(#${this.pick}${this.otherValue === undefined ? '' : `, value ${this.otherValue}`}${this.otherStatement === undefined ? '' : `, statement ${this.otherStatement}`})`;
}

/** Two votes by one member on one statement at once (a double click): one of them stands. */
class DoubleClick implements fc.AsyncCommand<VoteModel, VoteReal> {
  constructor(
    readonly voter: number,
    readonly statement: number,
    readonly first: VoteValue,
    readonly second: VoteValue,
  ) {}
  check = () => true;
  async run(model: VoteModel, real: VoteReal) {
    const k = `${this.voter}|${this.statement}`;
    const id = real.statements[this.statement]!;
    const [x, y] = await Promise.all([real.put(this.voter, id, this.first), real.put(this.voter, id, this.second)]);
    const rx = expectVote(x, this.first, undefined, `${this.toString()}, first`);
    const ry = expectVote(y, this.second, undefined, `${this.toString()}, second`);
    model.changes += Number(rx.changed) + Number(ry.changed);
    // Whichever was written last stands, and both changed flags must fit that order of the two writes.
    const standing = await real.mine(this.voter, id);
    const before = model.votes.get(k);
    const fits = (earlier: { v: VoteValue; changed: boolean }, later: { v: VoteValue; changed: boolean }) =>
      later.v === standing && earlier.changed === (before !== earlier.v) && later.changed === (earlier.v !== later.v);
    const x1 = { v: this.first, changed: rx.changed };
    const y1 = { v: this.second, changed: ry.changed };
    expect(
      fits(x1, y1) || fits(y1, x1),
      `${this.toString()}: standing ${standing}, changed ${rx.changed} and ${ry.changed}, before ${before}: no order of the two writes gives that`,
    ).toBe(true);
    model.votes.set(k, standing!);
    await real.verify!(model);
  }
  toString = () => `doubleClick(${this.voter}, ${this.statement}, ${this.first} and ${this.second})`;
}
