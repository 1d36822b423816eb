import type { Kysely } from 'kysely';

/** Column types that differ between dialects, handed to every migration. */
export interface ColumnTypes {
  /** A point in time: timestamptz on postgres, ISO-8601 text on sqlite. */
  timestamp: 'timestamptz' | 'text';
  /** An internal ordering sequence (never exposed). */
  sequence: 'bigserial' | 'integer';
  /** Which database: for what only one of them has (e.g. SQLite's WITHOUT ROWID tables). */
  dialect: 'sqlite' | 'postgres';
}

/** A frozen migration: typed on Kysely<any> because it must not follow the app's schema types. */
export interface StoreMigration {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen against the schema of their day
  up(db: Kysely<any>, types: ColumnTypes): Promise<void>;
}
