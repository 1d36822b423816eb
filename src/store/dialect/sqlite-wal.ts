import { sql, SqliteAdapter } from 'kysely';
import type { Db } from '../db-type.js';

/**
 * On SQLite: copy the WAL into the database file and truncate it, so that pages written before
 * (rows since deleted among them) do not outlive them there; nothing on PostgreSQL or inside a
 * transaction. Waits at most the connection's busy timeout for another connection's transaction;
 * a WAL still busy is left to the next call.
 */
export async function truncateSqliteWal(db: Db): Promise<void> {
  if (db.isTransaction || !(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  try {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  } catch {
    // The caller's work has committed; a WAL still busy is truncated by the next call.
  }
}
