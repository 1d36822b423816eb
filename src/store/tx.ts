import type { Db } from './db.js';

/** Run `work` in a transaction, or inside the caller's transaction when `db` already is one. */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}

/** The current time as stored: ISO-8601 UTC. */
export function nowIso(clock: () => Date = () => new Date()): string {
  return clock().toISOString();
}
