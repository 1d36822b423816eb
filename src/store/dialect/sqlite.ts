import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type SqliteDatabase as KyselySqliteDatabase,
  type TransactionSettings,
} from 'kysely';
import { openSqliteDatabase } from './sqlite-connection.js';
import type { StoreDialect } from './types.js';

/** How many prepared statements each connection keeps, most recently used first. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 compiles a statement on every prepare(), and Kysely prepares every query it
 * runs: keep the most recently used statements by their SQL text. A cached statement still being
 * iterated (a stream inside a transaction running the same query again) is not handed out twice.
 */
function withStatementCache(database: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement?.busy) return database.prepare(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * Kysely begins SQLite transactions DEFERRED. With a second connection writing (the vote writer's
 * thread), a deferred transaction that has read and then writes fails at once with SQLITE_BUSY
 * once the other connection has committed in between; BEGIN IMMEDIATE takes the write lock first
 * and waits (busy_timeout) for it instead. A transaction declared read only (a backup's snapshot)
 * stays deferred: it must not hold the write lock while it reads.
 */
class ImmediateTransactions implements Driver {
  constructor(private readonly inner: Driver) {}
  init = () => this.inner.init();
  acquireConnection = () => this.inner.acquireConnection();
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }
  commitTransaction = (connection: DatabaseConnection) => this.inner.commitTransaction(connection);
  rollbackTransaction = (connection: DatabaseConnection) => this.inner.rollbackTransaction(connection);
  savepoint: Driver['savepoint'] = (...args) => this.inner.savepoint!(...args);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (...args) => this.inner.rollbackToSavepoint!(...args);
  releaseSavepoint: Driver['releaseSavepoint'] = (...args) => this.inner.releaseSavepoint!(...args);
  releaseConnection = (connection: DatabaseConnection) => this.inner.releaseConnection(connection);
  destroy = () => this.inner.destroy();
}

/** The store's connection (openSqliteDatabase) for Kysely: prepared statements kept, transactions begun IMMEDIATE. */
export function sqliteDialect(file: string): StoreDialect {
  const database = openSqliteDatabase(file);
  // Deleted content is overwritten, not left in free space: criticism rewritten at publication leaves no older copy behind (store/repos/criticism.ts).
  database.pragma('secure_delete = ON');
  const base = new SqliteDialect({ database: withStatementCache(database) });
  const kysely: Dialect = {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ImmediateTransactions(base.createDriver()),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
  };
  return {
    name: 'sqlite',
    writerFile: file === ':memory:' ? null : file,
    kysely,
    columnTypes: { timestamp: 'text', sequence: 'integer' },
    async close() {
      if (database.open) database.close();
    },
  };
}
