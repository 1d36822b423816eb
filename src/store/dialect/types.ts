import type { Dialect as KyselyDialect } from 'kysely';
import type { ColumnTypes } from '../migrations/types.js';

export type DialectName = 'sqlite' | 'postgres';

/** Everything that differs between the two databases, behind one interface. */
export interface StoreDialect {
  readonly name: DialectName;
  readonly kysely: KyselyDialect;
  readonly columnTypes: Omit<ColumnTypes, 'dialect'>;
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
