import pg from 'pg';
import { PostgresDialect } from 'kysely';
import type { StoreDialect } from './types.js';

const TIMESTAMPTZ = 1184;
const INT8 = 20;

/**
 * PostgreSQL through a pool. Driver types are normalised here, once: timestamptz arrives as an
 * ISO-8601 string (as on sqlite) and bigint as a number (sequences stay far below 2^53).
 * Kysely runs each transaction on one checked-out client.
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
    kysely: new PostgresDialect({ pool }),
    columnTypes: { timestamp: 'timestamptz', sequence: 'bigserial' },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
    },
  };
}
