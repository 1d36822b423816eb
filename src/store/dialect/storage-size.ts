import { sql } from 'kysely';
import type { Db } from '../db-type.js';
import type { DialectName } from './types.js';

/** Bytes the tables take on disk with their indexes, as each database counts its pages. */
export async function tableBytes(db: Db, dialect: DialectName, tables: string[]): Promise<number> {
  if (dialect === 'sqlite') {
    const r = await sql<{
      bytes: number | null;
    }>`select sum(pgsize) as bytes from dbstat where name in (${sql.join(tables)}) or name in (select name from sqlite_master where type = 'index' and tbl_name in (${sql.join(tables)}))`.execute(
      db,
    );
    return Number(r.rows[0]?.bytes ?? 0);
  }
  const r = await sql<{ bytes: string | number | null }>`select sum(pg_total_relation_size(c::regclass)) as bytes from unnest(${tables}::text[]) as c`.execute(
    db,
  );
  return Number(r.rows[0]?.bytes ?? 0);
}
