/**
 * What Fastify needs to register a route of the table (contract/routes.ts): its method, its path
 * and its schemas. A handler file writes `app.route({ ...routeOptions('vote'), handler })` and
 * never its method, path or schema again.
 */
import { routes, type Route, type RouteName } from '../../contract/index.js';

type SchemaKey = 'tags' | 'summary' | 'hide' | 'params' | 'querystring' | 'headers' | 'body' | 'response';
type SchemaOf<K extends RouteName> = { readonly [S in SchemaKey & keyof Route<K>]: Route<K>[S] };

export interface RouteOptions<K extends RouteName> {
  method: Route<K>['method'];
  url: Route<K>['path'];
  schema: SchemaOf<K>;
}

export function routeOptions<K extends RouteName>(name: K): RouteOptions<K> {
  const { method, path, policy: _policy, ...schema } = routes[name] as Route;
  // The compiler cannot follow a generic key through the spread: the row is routes[name], by construction.
  return { method, url: path, schema } as unknown as RouteOptions<K>;
}
