/**
 * The one route table: every route of the API and the pages, its method and path, who may call
 * it and which rate limit it counts against. It holds no schema (zod stays out of the pages'
 * bundle): `routes.ts` adds each route's params, query, body and responses under the same key.
 * The server registers every route from it, the policy check reads its `policy` column, the
 * pages' client and the tests' clients build their URLs from it with `pathOf`.
 *
 * who: public — anyone; the session is read when there is one.
 *      anonymous — nobody known: the session cookie is neither read nor set, nothing about the
 *                  request is logged or kept (criticism from below is spent here). Every
 *                  anonymous route counts against one limit shared by all callers together
 *                  (`anonymous`), which keeps nothing about any of them, not even an address.
 *      member / organiser / admin — a session of at least that role in the organisation named
 *                  by the path; another organisation's ids answer 404.
 * A row without a limit says why (`limit: 'none'` with a reason); the table's test holds every
 * row to that. The limits' figures are the server's configuration (server/config.ts).
 */
export type Policy = 'public' | 'anonymous' | 'member' | 'organiser' | 'admin';

/**
 * What a limit counts by: the client's address (public routes: a session presented alongside
 * changes nothing), the member of the session (member routes; a request without a live session
 * counts against its address under `public`), or everyone together (anonymous routes).
 * `eachRoute`: every route of the limit has counters of its own (a page asks for several at once,
 * one route looped is refused); otherwise the routes of the limit share them.
 */
export interface RateLimitScope {
  readonly per: 'address' | 'member' | 'everyone';
  readonly eachRoute?: true;
}

/** The rate limits by name and what they count (their figures and reasons: server/config.ts). */
export const rateLimitScopes = {
  signup: { per: 'address' },
  login: { per: 'address' },
  invite: { per: 'address' },
  public: { per: 'address' },
  anonymous: { per: 'everyone' },
  'invite-issue': { per: 'member' },
  vote: { per: 'member' },
  statement: { per: 'member' },
  'next-statement': { per: 'member' },
  similar: { per: 'member' },
  tokens: { per: 'member' },
  live: { per: 'member' },
  read: { per: 'member' },
  write: { per: 'member' },
  detail: { per: 'member', eachRoute: true },
  model: { per: 'member', eachRoute: true },
  trail: { per: 'member', eachRoute: true },
} as const satisfies Record<string, RateLimitScope>;

export type RateLimitName = keyof typeof rateLimitScopes;

/** A route's policy: who may call it, and its limit, or none with the reason. Anonymous routes count against `anonymous` whatever the row says. */
export type RoutePolicy =
  | { readonly who: 'anonymous'; readonly limit?: 'anonymous' }
  | { readonly who: Exclude<Policy, 'anonymous'>; readonly limit: RateLimitName }
  | { readonly who: Exclude<Policy, 'anonymous'>; readonly limit: 'none'; readonly reason: string };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteAddress {
  readonly method: Method;
  readonly path: string;
  readonly policy: RoutePolicy;
}

export const routeTable = {
  signup: { method: 'POST', path: '/api/auth/signup', policy: { who: 'public', limit: 'signup' } },
  login: { method: 'POST', path: '/api/auth/login', policy: { who: 'public', limit: 'login' } },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    policy: {
      who: 'public',
      limit: 'none',
      reason: "ends the caller's own session (one indexed delete, or nothing without a cookie): refusing it would keep a session alive",
    },
  },
  me: { method: 'GET', path: '/api/me', policy: { who: 'member', limit: 'read' } },
  organisation: { method: 'GET', path: '/api/orgs/:orgId', policy: { who: 'member', limit: 'read' } },
  updateOrganisation: { method: 'PATCH', path: '/api/orgs/:orgId', policy: { who: 'admin', limit: 'write' } },
  members: { method: 'GET', path: '/api/orgs/:orgId/members', policy: { who: 'organiser', limit: 'read' } },
  updateMember: { method: 'PATCH', path: '/api/orgs/:orgId/members/:memberId', policy: { who: 'admin', limit: 'write' } },
  createInvite: { method: 'POST', path: '/api/orgs/:orgId/invites', policy: { who: 'organiser', limit: 'invite-issue' } },
  invites: { method: 'GET', path: '/api/orgs/:orgId/invites', policy: { who: 'organiser', limit: 'read' } },
  revokeInvite: { method: 'DELETE', path: '/api/orgs/:orgId/invites/:inviteId', policy: { who: 'organiser', limit: 'write' } },
  invitePreview: { method: 'GET', path: '/api/invites/:token', policy: { who: 'public', limit: 'invite' } },
  acceptInvite: { method: 'POST', path: '/api/invites/:token/accept', policy: { who: 'public', limit: 'invite' } },
  issues: { method: 'GET', path: '/api/orgs/:orgId/issues', policy: { who: 'member', limit: 'read' } },
  createIssue: { method: 'POST', path: '/api/orgs/:orgId/issues', policy: { who: 'organiser', limit: 'write' } },
  issue: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId', policy: { who: 'member', limit: 'detail' } },
  advanceCycle: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/cycle/advance', policy: { who: 'organiser', limit: 'write' } },
  submitStatement: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/statements', policy: { who: 'member', limit: 'statement' } },
  moderate: { method: 'PATCH', path: '/api/orgs/:orgId/statements/:statementId', policy: { who: 'organiser', limit: 'write' } },
  vote: { method: 'PUT', path: '/api/orgs/:orgId/statements/:statementId/vote', policy: { who: 'member', limit: 'vote' } },
  analysis: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/analysis', policy: { who: 'member', limit: 'model' } },
  nextStatement: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/next-statement', policy: { who: 'member', limit: 'next-statement' } },
  similar: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/similar', policy: { who: 'member', limit: 'similar' } },
  merge: { method: 'POST', path: '/api/orgs/:orgId/statements/:statementId/merge', policy: { who: 'organiser', limit: 'write' } },
  themes: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/themes', policy: { who: 'member', limit: 'model' } },
  // Registered only when MASSLINE_SUMMARY_URL is set.
  themeSummary: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/themes/:themeId/summary', policy: { who: 'organiser', limit: 'model' } },
  endorse: { method: 'PUT', path: '/api/orgs/:orgId/line-versions/:versionId/endorsement', policy: { who: 'member', limit: 'write' } },
  createAction: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/actions', policy: { who: 'organiser', limit: 'write' } },
  actions: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/actions', policy: { who: 'member', limit: 'detail' } },
  joinAction: { method: 'PUT', path: '/api/orgs/:orgId/actions/:actionId/participation', policy: { who: 'member', limit: 'write' } },
  leaveAction: { method: 'DELETE', path: '/api/orgs/:orgId/actions/:actionId/participation', policy: { who: 'member', limit: 'write' } },
  fileReport: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/reports', policy: { who: 'member', limit: 'write' } },
  reports: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/reports', policy: { who: 'member', limit: 'detail' } },
  markImportant: { method: 'PUT', path: '/api/orgs/:orgId/issues/:issueId/importance', policy: { who: 'member', limit: 'write' } },
  unmarkImportant: { method: 'DELETE', path: '/api/orgs/:orgId/issues/:issueId/importance', policy: { who: 'member', limit: 'write' } },
  markBlocks: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/blocks', policy: { who: 'organiser', limit: 'write' } },
  unmarkBlocks: { method: 'DELETE', path: '/api/orgs/:orgId/issues/:issueId/blocks/:blockedId', policy: { who: 'organiser', limit: 'write' } },
  marks: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/marks', policy: { who: 'member', limit: 'detail' } },
  line: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/line', policy: { who: 'member', limit: 'detail' } },
  createDraft: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/line/drafts', policy: { who: 'organiser', limit: 'write' } },
  updateDraft: { method: 'PUT', path: '/api/orgs/:orgId/line-versions/:versionId', policy: { who: 'organiser', limit: 'write' } },
  publish: { method: 'POST', path: '/api/orgs/:orgId/line-versions/:versionId/publish', policy: { who: 'organiser', limit: 'write' } },
  health: { method: 'GET', path: '/api/orgs/:orgId/health', policy: { who: 'member', limit: 'model' } },
  healthTrail: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/health/trail', policy: { who: 'member', limit: 'trail' } },
  whatIf: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/health/what-if', policy: { who: 'member', limit: 'model' } },
  changes: { method: 'GET', path: '/api/orgs/:orgId/changes', policy: { who: 'member', limit: 'model' } },
  principal: { method: 'GET', path: '/api/orgs/:orgId/principal-contradiction', policy: { who: 'member', limit: 'model' } },
  unitedFront: { method: 'GET', path: '/api/orgs/:orgId/issues/:issueId/united-front', policy: { who: 'member', limit: 'model' } },
  embrace: { method: 'GET', path: '/api/orgs/:orgId/line-versions/:versionId/embrace', policy: { who: 'member', limit: 'model' } },
  myInput: { method: 'GET', path: '/api/orgs/:orgId/me/what-became-of-my-input', policy: { who: 'member', limit: 'model' } },
  resolve: { method: 'POST', path: '/api/orgs/:orgId/issues/:issueId/resolve', policy: { who: 'organiser', limit: 'write' } },
  criticismEpoch: { method: 'GET', path: '/api/orgs/:orgId/criticism/epoch', policy: { who: 'member', limit: 'read' } },
  criticismTokens: { method: 'POST', path: '/api/orgs/:orgId/criticism/tokens', policy: { who: 'member', limit: 'tokens' } },
  criticise: { method: 'POST', path: '/api/orgs/:orgId/criticisms', policy: { who: 'anonymous', limit: 'anonymous' } },
  receipt: { method: 'GET', path: '/api/orgs/:orgId/criticisms/:criticismId/receipt', policy: { who: 'anonymous', limit: 'anonymous' } },
  criticismKeys: { method: 'GET', path: '/api/orgs/:orgId/criticism/keys', policy: { who: 'anonymous', limit: 'anonymous' } },
  criticisms: { method: 'GET', path: '/api/orgs/:orgId/criticisms', policy: { who: 'member', limit: 'detail' } },
  second: { method: 'PUT', path: '/api/orgs/:orgId/criticisms/:criticismId/second', policy: { who: 'member', limit: 'write' } },
  unsecond: { method: 'DELETE', path: '/api/orgs/:orgId/criticisms/:criticismId/second', policy: { who: 'member', limit: 'write' } },
  answerCriticism: { method: 'POST', path: '/api/orgs/:orgId/criticisms/:criticismId/answers', policy: { who: 'organiser', limit: 'write' } },
  live: { method: 'GET', path: '/api/orgs/:orgId/live', policy: { who: 'member', limit: 'live' } },
  openapi: { method: 'GET', path: '/api/openapi.json', policy: { who: 'public', limit: 'public' } },
  serverHealth: { method: 'GET', path: '/api/health', policy: { who: 'public', limit: 'public' } },
  assets: { method: 'GET', path: '/assets/*', policy: { who: 'public', limit: 'public' } },
  page: { method: 'GET', path: '/*', policy: { who: 'public', limit: 'public' } },
} as const satisfies Record<string, RouteAddress>;

export type RouteName = keyof typeof routeTable;

/** The names of a path's `:params`. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The values a route's path needs, by name (none: an empty object). */
export type PathParams<R extends { readonly path: string }> = { readonly [K in ParamNames<R['path']>]: string };

/** A route's URL: its path with each `:param` filled in (percent-encoded), and the query when one is given (`undefined` values left out). */
export function pathOf<R extends { readonly path: string }>(
  route: R,
  params: PathParams<R>,
  query?: Readonly<Record<string, string | number | boolean | undefined>>,
): string {
  const values = params as Readonly<Record<string, string>>;
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${route.path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  if (!query) return path;
  const search = Object.entries(query)
    .flatMap(([k, v]) => (v === undefined ? [] : [`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`]))
    .join('&');
  return search ? `${path}?${search}` : path;
}
