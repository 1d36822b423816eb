import type { StoreMigration } from './types.js';

/**
 * What an engine analysis was made from, beside the vote-log position it saw: the cycle and the
 * statements kept out of it (moderated out or merged). An analysis is stored only when this
 * basis or the position is new, so analysing an issue again with nothing changed stores nothing.
 * Analyses made before this migration have none (the next analysis of their issue is stored).
 */
export const migration0009: StoreMigration = {
  async up(db) {
    await db.schema.alterTable('analyses').addColumn('basis', 'text').execute();
  },
};
