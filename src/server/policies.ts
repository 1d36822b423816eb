/**
 * The policy column of the route table (contract/route-table.ts), by `METHOD path` as Fastify
 * registers a route: who may call it, and which rate limit it counts against. A route registered
 * without a row fails at start-up (auth/session.ts).
 */
import { routeTable, type RouteName, type RoutePolicy } from '../contract/index.js';

export { rateLimitScopes, type Policy, type RateLimitName, type RateLimitScope, type RoutePolicy } from '../contract/index.js';

type Row = (typeof routeTable)[RouteName];
export type RouteKey = { [K in RouteName]: `${(typeof routeTable)[K]['method']} ${(typeof routeTable)[K]['path']}` }[RouteName];

export const routePolicies: Readonly<Record<RouteKey, RoutePolicy>> = Object.fromEntries(
  (Object.values(routeTable) as Row[]).map((r) => [`${r.method} ${r.path}`, r.policy]),
) as Record<RouteKey, RoutePolicy>;

/** The row of a route as Fastify registers it (HEAD answers like GET). */
export function policyOf(method: string, url: string): RoutePolicy | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return (routePolicies as Record<string, RoutePolicy>)[`${m} ${url}`];
}
