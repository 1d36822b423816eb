import type { StoreMigration } from './types.js';

/**
 * Merging duplicate statements: a merged statement points at the statement it was merged into,
 * with when and by whom. Its votes stay in the log; the members' current votes were carried to
 * the statement it points at (src/store/repos/statements.ts mergeStatement).
 */
export const migration0005: StoreMigration = {
  async up(db, t) {
    await db.schema
      .alterTable('statements')
      .addColumn('merged_into', 'text', (c) => c.references('statements.id').onDelete('set null'))
      .execute();
    await db.schema.alterTable('statements').addColumn('merged_at', t.timestamp).execute();
    await db.schema
      .alterTable('statements')
      .addColumn('merged_by', 'text', (c) => c.references('members.id').onDelete('set null'))
      .execute();
    await db.schema.createIndex('statements_merged_into').on('statements').column('merged_into').execute();
  },
};
