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

/** "METHOD /path/{param}", as the OpenAPI document names the route. */
export function openApiKey(name: RouteName): string {
  return routeKey(name).replace(/:(\w+)/g, '{$1}');
}

/** A record by route name, keyed as the OpenAPI document names each route instead (in the same order). */
export function byOpenApiKey<T>(byName: Readonly<Partial<Record<RouteName, T>>>): Record<string, T> {
  return Object.fromEntries((Object.entries(byName) as [RouteName, T][]).map(([name, value]) => [openApiKey(name), value]));
}
