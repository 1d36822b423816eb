import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { StoreDialect } from './types.js';

/**
 * The embedded database: one file, WAL, synchronous=FULL (an acknowledged vote survives power
 * loss, not only a crash), foreign keys enforced, a busy timeout so a second process waits
 * instead of failing.
 */
export function sqliteDialect(file: string): StoreDialect {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database }),
    columnTypes: { timestamp: 'text', sequence: 'integer' },
    async close() {
      if (database.open) database.close();
    },
  };
}
