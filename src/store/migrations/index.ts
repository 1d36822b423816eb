/** The explicit migration registry: numbered, frozen once released, never globbed. */
import type { StoreMigration } from './types.js';
import { migration0001 } from './0001-model.js';
import { migration0002 } from './0002-practice.js';

export const migrations: Record<string, StoreMigration> = {
  '0001-model': migration0001,
  '0002-practice': migration0002,
};
export type { ColumnTypes, StoreMigration } from './types.js';
