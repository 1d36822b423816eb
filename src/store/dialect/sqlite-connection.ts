import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

/**
 * WAL pages after which a commit on the store's own connection checkpoints the WAL into the
 * file. Above the vote writer's threshold (VOTE_WRITER_CHECKPOINT_PAGES), so that while votes
 * arrive the writer's thread does the checkpoints, not the event loop serving requests (the
 * analyses' and sessions' commits); with no votes, this still bounds the WAL (64 MiB of 4 KiB pages).
 */
export const STORE_CHECKPOINT_PAGES = 16_000;

/**
 * WAL pages after which a commit of the vote writer's thread checkpoints (SQLite's default is
 * 1,000). Each vote writes a few pages at random places, so a checkpoint copies each page it
 * finds as often as it was written since the last one: less often, fewer writes for the same votes
 * (measured on the bench's database: about 21 KB written per vote at 1,000, 14–16 at 8,000 to
 * 16,000). The WAL is fsynced at every commit whatever this is: it changes no durability.
 */
export const VOTE_WRITER_CHECKPOINT_PAGES = 8_000;

/**
 * A connection to the embedded database: one file, WAL, synchronous=FULL (an acknowledged vote
 * survives power loss, not only a crash), foreign keys enforced, a busy timeout so that a second
 * connection (the vote writer's thread, another process) waits instead of failing. Used by the
 * store (sqlite.ts) and by the vote writer's thread, which must not load Kysely to start fast.
 */
export function openSqliteDatabase(file: string, options: { checkpointPages: number } = { checkpointPages: STORE_CHECKPOINT_PAGES }): SqliteDatabase.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  database.pragma(`wal_autocheckpoint = ${Math.trunc(options.checkpointPages)}`);
  return database;
}
