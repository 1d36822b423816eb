/**
 * The one policy table: every route of the API and the pages, who may call it, and which
 * rate limit it counts against. A route registered without a row here fails at start-up.
 *
 * who: public — anyone; the session is read when there is one.
 *      anonymous — nobody known: the session cookie is neither read nor set, nothing about the
 *                  request is logged (criticism from below is spent here).
 *      member / organiser / admin — a session of at least that role in the organisation named
 *                  by the path; another organisation's ids answer 404.
 */
export type Policy = 'public' | 'anonymous' | 'member' | 'organiser' | 'admin';

/** The rate limits of `rateLimits` in config: per client address before login, per member after. */
export type RateLimitName = 'signup' | 'login' | 'invite' | 'invite-issue' | 'vote' | 'statement' | 'model' | 'trail' | 'criticism';

export interface RoutePolicy {
  readonly who: Policy;
  readonly limit?: RateLimitName;
}

export const routePolicies = {
  'POST /api/auth/signup': { who: 'public', limit: 'signup' },
  'POST /api/auth/login': { who: 'public', limit: 'login' },
  'POST /api/auth/logout': { who: 'public' },
  'GET /api/me': { who: 'member' },
  'GET /api/orgs/:orgId': { who: 'member' },
  'PATCH /api/orgs/:orgId': { who: 'admin' },
  'GET /api/orgs/:orgId/members': { who: 'organiser' },
  'PATCH /api/orgs/:orgId/members/:memberId': { who: 'admin' },
  'POST /api/orgs/:orgId/invites': { who: 'organiser', limit: 'invite-issue' },
  'GET /api/orgs/:orgId/invites': { who: 'organiser' },
  'DELETE /api/orgs/:orgId/invites/:inviteId': { who: 'organiser' },
  'GET /api/invites/:token': { who: 'public', limit: 'invite' },
  'POST /api/invites/:token/accept': { who: 'public', limit: 'invite' },
  'GET /api/orgs/:orgId/issues': { who: 'member' },
  'POST /api/orgs/:orgId/issues': { who: 'organiser' },
  'GET /api/orgs/:orgId/issues/:issueId': { who: 'member' },
  'POST /api/orgs/:orgId/issues/:issueId/cycle/advance': { who: 'organiser' },
  'POST /api/orgs/:orgId/issues/:issueId/statements': { who: 'member', limit: 'statement' },
  'PATCH /api/orgs/:orgId/statements/:statementId': { who: 'organiser' },
  'PUT /api/orgs/:orgId/statements/:statementId/vote': { who: 'member', limit: 'vote' },
  'GET /api/orgs/:orgId/issues/:issueId/analysis': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/next-statement': { who: 'member' },
  'GET /api/orgs/:orgId/issues/:issueId/similar': { who: 'member' },
  'POST /api/orgs/:orgId/statements/:statementId/merge': { who: 'organiser' },
  'GET /api/orgs/:orgId/issues/:issueId/themes': { who: 'member', limit: 'model' },
  // Registered only when MASSLINE_SUMMARY_URL is set.
  'POST /api/orgs/:orgId/issues/:issueId/themes/:themeId/summary': { who: 'organiser' },
  'PUT /api/orgs/:orgId/line-versions/:versionId/endorsement': { who: 'member' },
  'POST /api/orgs/:orgId/issues/:issueId/actions': { who: 'organiser' },
  'GET /api/orgs/:orgId/issues/:issueId/actions': { who: 'member' },
  'PUT /api/orgs/:orgId/actions/:actionId/participation': { who: 'member' },
  'DELETE /api/orgs/:orgId/actions/:actionId/participation': { who: 'member' },
  'POST /api/orgs/:orgId/issues/:issueId/reports': { who: 'member' },
  'GET /api/orgs/:orgId/issues/:issueId/reports': { who: 'member' },
  'PUT /api/orgs/:orgId/issues/:issueId/importance': { who: 'member' },
  'DELETE /api/orgs/:orgId/issues/:issueId/importance': { who: 'member' },
  'POST /api/orgs/:orgId/issues/:issueId/blocks': { who: 'organiser' },
  'DELETE /api/orgs/:orgId/issues/:issueId/blocks/:blockedId': { who: 'organiser' },
  'GET /api/orgs/:orgId/issues/:issueId/marks': { who: 'member' },
  'GET /api/orgs/:orgId/issues/:issueId/line': { who: 'member' },
  'POST /api/orgs/:orgId/issues/:issueId/line/drafts': { who: 'organiser' },
  'PUT /api/orgs/:orgId/line-versions/:versionId': { who: 'organiser' },
  'POST /api/orgs/:orgId/line-versions/:versionId/publish': { who: 'organiser' },
  'GET /api/orgs/:orgId/health': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/health/trail': { who: 'member', limit: 'trail' },
  'GET /api/orgs/:orgId/issues/:issueId/health/what-if': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/changes': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/principal-contradiction': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/issues/:issueId/united-front': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/line-versions/:versionId/embrace': { who: 'member', limit: 'model' },
  'GET /api/orgs/:orgId/me/what-became-of-my-input': { who: 'member', limit: 'model' },
  'POST /api/orgs/:orgId/issues/:issueId/resolve': { who: 'organiser' },
  'GET /api/orgs/:orgId/criticism/epoch': { who: 'member' },
  'POST /api/orgs/:orgId/criticism/tokens': { who: 'member' },
  'POST /api/orgs/:orgId/criticisms': { who: 'anonymous' },
  'GET /api/orgs/:orgId/criticisms/:criticismId/receipt': { who: 'anonymous' },
  'GET /api/orgs/:orgId/criticisms': { who: 'member' },
  'PUT /api/orgs/:orgId/criticisms/:criticismId/second': { who: 'member' },
  'DELETE /api/orgs/:orgId/criticisms/:criticismId/second': { who: 'member' },
  'POST /api/orgs/:orgId/criticisms/:criticismId/answers': { who: 'organiser' },
  'GET /api/orgs/:orgId/live': { who: 'member' },
  'GET /api/openapi.json': { who: 'public' },
  'GET /api/health': { who: 'public' },
  'GET /assets/*': { who: 'public' },
  'GET /*': { who: 'public' },
} as const satisfies Record<string, RoutePolicy>;

export type RouteKey = keyof typeof routePolicies;

/** The row of a route as Fastify registers it (HEAD answers like GET). */
export function policyOf(method: string, url: string): RoutePolicy | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return (routePolicies as Record<string, RoutePolicy>)[`${m} ${url}`];
}
