import pg from 'pg';
import { CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver } from 'kysely';
import { scopedOrganisation } from '../scope.js';
import type { StoreDialect } from './types.js';

const TIMESTAMPTZ = 1184;
const INT8 = 20;

/**
 * PostgreSQL through a pool. Driver types are normalised here, once: timestamptz arrives as an
 * ISO-8601 string (as on sqlite) and bigint as a number (sequences stay far below 2^53).
 * Kysely runs each transaction on one checked-out client. Every connection handed out carries
 * the organisation scope of the work that takes it (scopedDriver).
 */
export function postgresDialect(connectionString: string, poolSize = 10): StoreDialect {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
      if (oid === INT8) return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString, max: poolSize, types: types as pg.CustomTypesConfig });
  // An idle client's error (the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  let closed = false;
  return {
    name: 'postgres',
    writerFile: null,
    kysely: new ScopedPostgresDialect({ pool }),
    columnTypes: { timestamp: 'timestamptz', sequence: 'bigserial' },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
    },
  };
}

/** The setting the row-level security policies of migration 0008-row-security read. */
const ORG_SETTING = 'massline.org_id';

class ScopedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return scopedDriver(super.createDriver());
  }
}

/**
 * Kysely's PostgreSQL driver, whose connections carry the organisation scope (store/scope.ts) in
 * the session setting `massline.org_id`: the organisation's id while the work that acquires the
 * connection is scoped to one, '' otherwise. The setting is session-wide (set before any
 * transaction begins, so a rollback keeps it) and remembered per connection: it is sent only when
 * it differs from what the connection already carries, so work of one organisation after another
 * of its own pays no round trip; a connection that moves between an organisation's work and
 * unscoped work (a request's session lookup, the vote writer's batches) pays one each time.
 */
function scopedDriver(driver: Driver): Driver {
  /** What each connection carries; absent: nothing yet (a new session); null: unknown (setting it failed). */
  const carried = new WeakMap<DatabaseConnection, string | null>();
  return {
    init: driver.init.bind(driver),
    async acquireConnection() {
      const wanted = scopedOrganisation() ?? '';
      const connection = await driver.acquireConnection();
      const has = carried.has(connection) ? carried.get(connection) : '';
      if (has === wanted) return connection;
      try {
        carried.set(connection, null);
        await connection.executeQuery(CompiledQuery.raw(`select set_config('${ORG_SETTING}', $1, false)`, [wanted]));
        carried.set(connection, wanted);
      } catch (e) {
        await driver.releaseConnection(connection);
        throw e;
      }
      return connection;
    },
    beginTransaction: driver.beginTransaction.bind(driver),
    commitTransaction: driver.commitTransaction.bind(driver),
    rollbackTransaction: driver.rollbackTransaction.bind(driver),
    savepoint: driver.savepoint?.bind(driver),
    rollbackToSavepoint: driver.rollbackToSavepoint?.bind(driver),
    releaseSavepoint: driver.releaseSavepoint?.bind(driver),
    releaseConnection: driver.releaseConnection.bind(driver),
    destroy: driver.destroy.bind(driver),
  };
}
