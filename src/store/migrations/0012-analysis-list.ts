import type { StoreMigration } from './types.js';

/**
 * The organisation's engine analyses listed in order from an index alone. The model's kept facts
 * list them on every request; without it the table was read row by row, and on SQLite a row's
 * later columns (`seq`, added after the snapshot) lie past the snapshot's pages, megabytes per
 * analysis of a large organisation.
 */
export const migration0012: StoreMigration = {
  async up(db) {
    await db.schema.createIndex('analyses_org_source_issue_seq').on('analyses').columns(['org_id', 'source', 'issue_id', 'seq', 'id']).execute();
  },
};
