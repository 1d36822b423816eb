import type { StoreMigration } from './types.js';

/** Members who take part in an action: the practice the line is tested in, counted. */
export const migration0006: StoreMigration = {
  async up(db, t) {
    await db.schema
      .createTable('action_participants')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('joined_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('action_participants_pk', ['action_id', 'member_id'])
      .execute();
  },
};
