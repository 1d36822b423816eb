import path from 'node:path';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema/index.js';
import type { Db } from './db-type.js';
import { postgresDialect } from './dialect/postgres.js';
import { sqliteDialect } from './dialect/sqlite.js';
import { hasRowSecurity, type DialectName, type StoreDialect } from './dialect/types.js';
import { inlineVoteWriter, threadVoteWriter, type VoteWriter } from './vote-writer.js';
import { outsideOrganisationScope } from './scope.js';

export type { Db } from './db-type.js';

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
  /**
   * Bring the schema up to date (or only up to the migration `upTo`); returns the names of the
   * migrations it applied. A database already further on than this version (a newer version has
   * migrated it during a rolling upgrade) is left as it is: migrations only add, so this version
   * runs on it (`migrationsAhead` names what it does not know).
   */
  migrate(upTo?: string): Promise<string[]>;
  /** Migrations the database has applied that this version does not know (a newer version ran them). */
  migrationsAhead(): Promise<string[]>;
  close(): Promise<void>;
}

export function sqliteFile(dataDir: string): string {
  return dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'massline.db');
}

export function openStore(options: StoreOptions): Store {
  const dialect: StoreDialect = options.databaseUrl ? postgresDialect(options.databaseUrl, options.poolSize) : sqliteDialect(sqliteFile(options.dataDir));
  const db = new Kysely<Database>({ dialect: dialect.kysely });
  const writer = dialect.writerFile !== null && options.voteWriter !== 'inline' ? threadVoteWriter(dialect.writerFile) : inlineVoteWriter(db);
  // Scopes matter where row-level security reads them: PostgreSQL only (no bookkeeping on SQLite).
  const voteWriter = hasRowSecurity(dialect.name) ? unscoped(writer) : writer;
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
      const ahead = await migrationsAhead(db);
      if (ahead.length > 0) {
        const known = Object.keys(migrations).sort();
        // Only a database strictly ahead (every unknown one after every known one) is a newer version's; anything else has diverged.
        if (upTo === undefined && ahead.every((name) => name > known[known.length - 1]!)) return [];
        throw new Error(`the database has migrations this version of Massline does not know (${ahead.join(', ')}): run a version that has them`);
      }
      const migrator = new Migrator({ db, provider });
      const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    migrationsAhead: () => migrationsAhead(db),
    async close() {
      await voteWriter.close();
      await db.destroy();
      await dialect.close();
    },
  };
}

async function migrationsAhead(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE)) return [];
  const applied = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  return applied.rows
    .map((r) => r.name)
    .filter((name) => !(name in migrations))
    .sort();
}

/**
 * A batch of votes holds several organisations' votes in one transaction, so the writer works
 * outside any organisation's scope (store/scope.ts), whichever request's vote starts a batch.
 */
function unscoped(writer: VoteWriter): VoteWriter {
  return {
    cast: (vote) => outsideOrganisationScope(() => writer.cast(vote)),
    close: () => outsideOrganisationScope(() => writer.close()),
    stats: () => writer.stats(),
  };
}
