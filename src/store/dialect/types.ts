import type { Dialect as KyselyDialect } from 'kysely';
import type { ColumnTypes } from '../migrations/types.js';

export type DialectName = 'sqlite' | 'postgres';

/** Whether the database hides other organisations' rows by row-level security, which reads the organisation scope (store/scope.ts): PostgreSQL's. */
export const hasRowSecurity = (dialect: DialectName): boolean => dialect === 'postgres';

/** Everything that differs between the two databases, behind one interface. */
export interface StoreDialect {
  readonly name: DialectName;
  readonly kysely: KyselyDialect;
  readonly columnTypes: Omit<ColumnTypes, 'dialect'>;
  /** The SQLite file a vote-writer thread opens a connection of its own to; null where there is none (PostgreSQL, SQLite in memory). */
  readonly writerFile: string | null;
  /** Release the driver's resources (Kysely's destroy() calls this too). */
  close(): Promise<void>;
}
/** How the live hub's changes travel (live.ts): in process (SQLite), or through the database (PostgreSQL NOTIFY/LISTEN). */
export interface LiveTransport {
  readonly name: 'local' | 'postgres';
  send(payload: string): Promise<void>;
  listening(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
