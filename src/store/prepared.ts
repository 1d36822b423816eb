import type { CompiledQuery, Compilable, QueryResult } from 'kysely';
import type { Db } from './db-type.js';

/** A value that cannot come from outside: stands for argument i while the query is compiled. */
const placeholder = (i: number) => `\u0000prepared-argument-${i}\u0000`;

interface Compiled<A extends unknown[], R> {
  query: CompiledQuery<R>;
  /** The compiled query's parameters for these arguments (constants kept). */
  bind: (args: A) => unknown[];
}

/**
 * The query `build` makes, compiled once by `db`'s dialect with a placeholder for each argument,
 * and how to bind fresh arguments to it. `build` receives placeholders, not values, so it must
 * pass each argument straight to Kysely as a value (never inspect it, never branch on it).
 */
export function compileWithArguments<A extends unknown[], R>(db: Db, build: (db: Db, ...args: A) => Compilable<R>): Compiled<A, R> {
  const placeholders = Array.from({ length: build.length - 1 }, (_, i) => placeholder(i)) as A;
  const query = build(db, ...placeholders).compile();
  const argumentAt = query.parameters.map((p) => (typeof p === 'string' ? placeholders.indexOf(p) : -1));
  if (placeholders.some((_, i) => !argumentAt.includes(i)))
    throw new Error(`prepared: an argument of ${build.toString().slice(0, 80)}… did not reach the query as a value`);
  return { query, bind: (args) => argumentAt.map((a, i) => (a >= 0 ? args[a] : query.parameters[i])) };
}

/**
 * A query on the hot path (a vote, a session), built and compiled once per database and then run
 * with fresh arguments: building and compiling a Kysely query costs several times more than the
 * point lookup it describes. `build` is as compileWithArguments takes it. Works inside
 * transactions as well: the compiled SQL depends only on the dialect.
 */
export function prepared<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => Promise<QueryResult<R>> {
  const byAdapter = new WeakMap<object, Compiled<A, R>>();
  const compile = (db: Db): Compiled<A, R> => {
    const compiled = compileWithArguments(db, build);
    byAdapter.set(db.getExecutor().adapter, compiled);
    return compiled;
  };
  return (db, ...args) => {
    const { query, bind } = byAdapter.get(db.getExecutor().adapter) ?? compile(db);
    return db.executeQuery<R>({ ...query, parameters: bind(args) } as CompiledQuery<R>);
  };
}
