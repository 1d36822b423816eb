import { sql } from 'kysely';
import type { StoreMigration } from './types.js';

/**
 * Every vote sent with an idempotency key keeps its key, with the answer it got, whether or not
 * it changed the vote. Until now a key was kept only on a log row, so a vote that changed
 * nothing (the member's vote already had that value) lost its key, and a late retry of it was
 * cast anew over any newer vote. `vote_keys` is where the vote path now looks keys up; a
 * vote that changes something still logs its key on its row of `vote_log`, as before. The keys
 * already logged are copied in. On SQLite the table is WITHOUT ROWID: one b-tree, by its key.
 */
export const migration0007: StoreMigration = {
  async up(db, t) {
    const table = db.schema
      .createTable('vote_keys')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('statement_id', 'text', (c) => c.notNull().references('statements.id').onDelete('cascade'))
      .addColumn('value', 'integer', (c) => c.notNull().check(sql`value in (-1, 0, 1)`))
      .addColumn('cast_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('vote_keys_pk', ['member_id', 'idempotency_key']);
    await (t.dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
    await db
      .insertInto('vote_keys')
      .columns(['org_id', 'member_id', 'idempotency_key', 'statement_id', 'value', 'cast_at'])
      .expression(
        db
          .selectFrom('vote_log')
          .select(['org_id', 'member_id', 'idempotency_key', 'statement_id', 'value', 'cast_at'])
          .where('idempotency_key', 'is not', null),
      )
      .execute();
  },
};
