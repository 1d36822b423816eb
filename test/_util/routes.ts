/** The route table as the tests read it: a route's key as Fastify registers it, and its URL. */
import { pathOf, routeTable, type RouteName } from '../../src/contract/route-table.js';

export { pathOf, routeTable, type RouteName };

/** "METHOD /path/:param", as Fastify registers the route. */
export function routeKey(name: RouteName): string {
  const r = routeTable[name];
  return `${r.method} ${r.path}`;
}

/** A record by route name, keyed as Fastify registers each route instead. */
export function byRouteKey<T>(byName: Readonly<Partial<Record<RouteName, T>>>): Record<string, T> {
  return Object.fromEntries((Object.entries(byName) as [RouteName, T][]).map(([name, value]) => [routeKey(name), value]));
}
