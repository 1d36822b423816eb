import type { Kysely } from 'kysely';
import type { Database } from './schema/index.js';

/**
 * The database handle every repository takes first (or a transaction on it): the type alone, in a
 * module of its own, so that nothing needs the factory in db.ts (and what it wires) to name it.
 */
export type Db = Kysely<Database>;
