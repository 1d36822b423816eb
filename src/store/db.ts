import path from 'node:path';
import { Kysely, Migrator, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema/index.js';
import { postgresDialect } from './dialect/postgres.js';
import { sqliteDialect } from './dialect/sqlite.js';
import type { DialectName, StoreDialect } from './dialect/types.js';
import { inlineVoteWriter, threadVoteWriter, type VoteWriter } from './vote-writer.js';

export type Db = Kysely<Database>;

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; absent selects the embedded SQLite file. */
  databaseUrl?: string | undefined;
  /** Where the SQLite file lives (`massline.db` inside it); ':memory:' for a throwaway store. */
  dataDir: string;
  poolSize?: number | undefined;
  /** Where SQLite file stores write vote batches: a worker thread (default) or this thread. */
  voteWriter?: 'thread' | 'inline' | undefined;
}

export interface Store {
  readonly db: Db;
  readonly dialect: DialectName;
  /** Votes by group commit (vote-writer.ts): many concurrent votes, one transaction. */
  readonly voteWriter: VoteWriter;
  /** Bring the schema up to date (or only up to the migration `upTo`); returns the names of the migrations it applied. */
  migrate(upTo?: string): Promise<string[]>;
  close(): Promise<void>;
}

export function sqliteFile(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'massline.db');
}

export function openStore(options: StoreOptions): Store {
  const dialect: StoreDialect = options.databaseUrl
    ? postgresDialect(options.databaseUrl, options.poolSize)
    : sqliteDialect(sqliteFile(options.dataDir));
  const db = new Kysely<Database>({ dialect: dialect.kysely });
  const file = options.databaseUrl ? null : sqliteFile(options.dataDir);
  const voteWriter = file !== null && file !== ':memory:' && options.voteWriter !== 'inline' ? threadVoteWriter(file) : inlineVoteWriter(db);
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) out[name] = { up: (k) => m.up(k, { ...dialect.columnTypes, dialect: dialect.name }) };
      return out;
    },
  };
  return {
    db,
    dialect: dialect.name,
    voteWriter,
    async migrate(upTo) {
      const migrator = new Migrator({ db, provider });
      const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async close() {
      await voteWriter.close();
      await db.destroy();
      await dialect.close();
    },
  };
}
