import { sql } from 'kysely';
import type { Db } from '../db-type.js';

/** The oldest transaction still running and the next to begin, as of now (PostgreSQL). */
export async function postgresSnapshotBounds(db: Db): Promise<{ xmin: bigint; xmax: bigint }> {
  const { rows } = await sql<{
    xmin: string;
    xmax: string;
  }>`select pg_snapshot_xmin(s)::text as xmin, pg_snapshot_xmax(s)::text as xmax from (select pg_current_snapshot() as s) as now`.execute(db);
  return { xmin: BigInt(rows[0]!.xmin), xmax: BigInt(rows[0]!.xmax) };
}
