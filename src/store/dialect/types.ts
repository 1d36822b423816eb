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
