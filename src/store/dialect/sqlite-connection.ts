import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/**
 * A connection to the embedded database: one file, WAL, synchronous=FULL (an acknowledged vote
 * survives power loss, not only a crash), foreign keys enforced, a busy timeout so that a second
 * connection (the vote writer's thread, another process) waits instead of failing. Used by the
 * store (sqlite.ts) and by the vote writer's thread, which must not load Kysely to start fast.
 */
export function openSqliteDatabase(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return database;
}
