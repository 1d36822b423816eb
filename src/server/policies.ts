/**
 * The one policy table: every route of the API and the pages, who may call it, and which
 * rate limit it counts against. A route registered without a row here fails at start-up; a row
 * without a limit says why (`limit: 'none'` with a reason), and the table's test holds every row
 * to that.
 *
 * who: public — anyone; the session is read when there is one.
 *      anonymous — nobody known: the session cookie is neither read nor set, nothing about the
 *                  request is logged or kept (criticism from below is spent here). Every
 *                  anonymous route counts against one limit shared by all callers together
 *                  (`anonymous`), which keeps nothing about any of them, not even an address.
 *      member / organiser / admin — a session of at least that role in the organisation named
 *                  by the path; another organisation's ids answer 404.
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

/** The rate limits of `rateLimits` in config, by what they count (their figures and reasons: config.ts). */
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

/** A route's row: who may call it, and its limit, or none with the reason. Anonymous routes count against `anonymous` whatever the row says. */
export type RoutePolicy =
  | { readonly who: 'anonymous'; readonly limit?: 'anonymous' }
  | { readonly who: Exclude<Policy, 'anonymous'>; readonly limit: RateLimitName }
  | { readonly who: Exclude<Policy, 'anonymous'>; readonly limit: 'none'; readonly reason: string };

export const routePolicies = {
  'POST /api/auth/signup': { who: 'public', limit: 'signup' },
  'POST /api/auth/login': { who: 'public', limit: 'login' },
  'POST /api/auth/logout': { who: 'public', limit: 'none', reason: "ends the caller's own session (one indexed delete, or nothing without a cookie): refusing it would keep a session alive" },
  'GET /api/me': { who: 'member', limit: 'read' },
  'GET /api/orgs/:orgId': { who: 'member', limit: 'read' },
  'PATCH /api/orgs/:orgId': { who: 'admin', limit: 'write' },
  'GET /api/orgs/:orgId/members': { who: 'organiser', limit: 'read' },
  'PATCH /api/orgs/:orgId/members/:memberId': { who: 'admin', limit: 'write' },
  'POST /api/orgs/:orgId/invites': { who: 'organiser', limit: 'invite-issue' },
  'GET /api/orgs/:orgId/invites': { who: 'organiser', limit: 'read' },
  'DELETE /api/orgs/:orgId/invites/:inviteId': { who: 'organiser', limit: 'write' },
  'GET /api/invites/:token': { who: 'public', limit: 'invite' },
  'POST /api/invites/:token/accept': { who: 'public', limit: 'invite' },
  'GET /api/orgs/:orgId/issues': { who: 'member', limit: 'read' },
  'POST /api/orgs/:orgId/issues': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/issues/:issueId': { who: 'member', limit: 'detail' },
  'POST /api/orgs/:orgId/issues/:issueId/cycle/advance': { who: 'organiser', limit: 'write' },
  'POST /api/orgs/:orgId/issues/:issueId/statements': { who: 'member', limit: 'statement' },
  'PATCH /api/orgs/:orgId/statements/:statementId': { who: 'organiser', limit: 'write' },
  'PUT /api/orgs/:orgId/statements/:statementId/vote': { who: 'member', limit: 'vote' },
  'GET /api/orgs/:orgId/issues/:issueId/analysis': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/next-statement': { who: 'member', limit: 'next-statement' },
  'GET /api/orgs/:orgId/issues/:issueId/similar': { who: 'member', limit: 'similar' },
  'POST /api/orgs/:orgId/statements/:statementId/merge': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/issues/:issueId/themes': { who: 'member', limit: 'model' },
  // Registered only when MASSLINE_SUMMARY_URL is set.
  'POST /api/orgs/:orgId/issues/:issueId/themes/:themeId/summary': { who: 'organiser', limit: 'model' },
  'PUT /api/orgs/:orgId/line-versions/:versionId/endorsement': { who: 'member', limit: 'write' },
  'POST /api/orgs/:orgId/issues/:issueId/actions': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/issues/:issueId/actions': { who: 'member', limit: 'detail' },
  'PUT /api/orgs/:orgId/actions/:actionId/participation': { who: 'member', limit: 'write' },
  'DELETE /api/orgs/:orgId/actions/:actionId/participation': { who: 'member', limit: 'write' },
  'POST /api/orgs/:orgId/issues/:issueId/reports': { who: 'member', limit: 'write' },
  'GET /api/orgs/:orgId/issues/:issueId/reports': { who: 'member', limit: 'detail' },
  'PUT /api/orgs/:orgId/issues/:issueId/importance': { who: 'member', limit: 'write' },
  'DELETE /api/orgs/:orgId/issues/:issueId/importance': { who: 'member', limit: 'write' },
  'POST /api/orgs/:orgId/issues/:issueId/blocks': { who: 'organiser', limit: 'write' },
  'DELETE /api/orgs/:orgId/issues/:issueId/blocks/:blockedId': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/issues/:issueId/marks': { who: 'member', limit: 'detail' },
  'GET /api/orgs/:orgId/issues/:issueId/line': { who: 'member', limit: 'detail' },
  'POST /api/orgs/:orgId/issues/:issueId/line/drafts': { who: 'organiser', limit: 'write' },
  'PUT /api/orgs/:orgId/line-versions/:versionId': { who: 'organiser', limit: 'write' },
  'POST /api/orgs/:orgId/line-versions/:versionId/publish': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/health': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/health/trail': { who: 'member', limit: 'trail' },
  'GET /api/orgs/:orgId/issues/:issueId/health/what-if': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/changes': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/principal-contradiction': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/united-front': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/line-versions/:versionId/embrace': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/me/what-became-of-my-input': { who: 'member', limit: 'model' },
  'POST /api/orgs/:orgId/issues/:issueId/resolve': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/criticism/epoch': { who: 'member', limit: 'read' },
  'POST /api/orgs/:orgId/criticism/tokens': { who: 'member', limit: 'tokens' },
  'POST /api/orgs/:orgId/criticisms': { who: 'anonymous', limit: 'anonymous' },
  'GET /api/orgs/:orgId/criticisms/:criticismId/receipt': { who: 'anonymous', limit: 'anonymous' },
  'GET /api/orgs/:orgId/criticism/keys': { who: 'anonymous', limit: 'anonymous' },
  'GET /api/orgs/:orgId/criticisms': { who: 'member', limit: 'detail' },
  'PUT /api/orgs/:orgId/criticisms/:criticismId/second': { who: 'member', limit: 'write' },
  'DELETE /api/orgs/:orgId/criticisms/:criticismId/second': { who: 'member', limit: 'write' },
  'POST /api/orgs/:orgId/criticisms/:criticismId/answers': { who: 'organiser', limit: 'write' },
  'GET /api/orgs/:orgId/live': { who: 'member', limit: 'live' },
  'GET /api/openapi.json': { who: 'public', limit: 'public' },
  'GET /api/health': { who: 'public', limit: 'public' },
  'GET /assets/*': { who: 'public', limit: 'public' },
  'GET /*': { who: 'public', limit: 'public' },
} as const satisfies Record<string, RoutePolicy>;

export type RouteKey = keyof typeof routePolicies;

/** The row of a route as Fastify registers it (HEAD answers like GET). */
export function policyOf(method: string, url: string): RoutePolicy | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return (routePolicies as Record<string, RoutePolicy>)[`${m} ${url}`];
}
