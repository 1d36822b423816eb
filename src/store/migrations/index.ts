/** The explicit migration registry: numbered, frozen once released, never globbed. */
import type { StoreMigration } from './types.js';
import { migration0001 } from './0001-model.js';

export const migrations: Record<string, StoreMigration> = {
  '0001-model': migration0001,
};
export type { ColumnTypes, StoreMigration } from './types.js';
