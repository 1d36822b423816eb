import { sql, type CreateTableBuilder } from 'kysely';
import type { StoreMigration } from './types.js';

/**
 * Criticism from below (MODEL.md §7), anonymous against the organisation's own admins and a
 * database operator. Members receive blind-signed one-use tokens within a per-epoch quota; only
 * the count per (member, epoch) is kept. A criticism is stored with a random id and its date,
 * never a time or anything about its author; the spent token's hash stops double spending.
 * On SQLite both tables are WITHOUT ROWID, so not even the storage order follows arrival.
 * Seconds and answers are identified: seconding or answering is public speech.
 *
 * The first schema's `criticisms` table was never written to; it is replaced.
 */
export const migration0003: StoreMigration = {
  async up(db, t) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frozen migration, untyped tables
    const keyed = <N extends string>(b: CreateTableBuilder<N, any>) => (t.dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b);
    await db.schema.dropTable('criticisms').execute();

    await db.schema
      .createTable('criticism_keys')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('criticism_keys_pk', ['org_id', 'epoch'])
      .execute();

    await db.schema
      .createTable('criticism_issuance')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('tokens', 'integer', (c) => c.notNull().check(sql`tokens >= 0`))
      .addPrimaryKeyConstraint('criticism_issuance_pk', ['org_id', 'epoch', 'member_id'])
      .execute();

    await keyed(
      db.schema
        .createTable('criticisms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('target_kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('written_on', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('published_at', t.timestamp)
        .addColumn('position', 'integer')
        .addColumn('prev_hash', 'text')
        .addColumn('entry_hash', 'text')
        .addUniqueConstraint('criticisms_position', ['org_id', 'position']),
    ).execute();

    await keyed(
      db.schema
        .createTable('criticism_spent_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('criticism_id', 'text', (c) => c.notNull().references('criticisms.id').onDelete('cascade')),
    ).execute();

    await db.schema
      .createTable('criticism_seconds')
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('criticism_id', 'text', (c) => c.notNull().references('criticisms.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
      .addColumn('seconded_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('criticism_seconds_pk', ['criticism_id', 'member_id'])
      .execute();

    await db.schema
      .createTable('criticism_answers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
      .addColumn('criticism_id', 'text', (c) => c.notNull().references('criticisms.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.references('members.id').onDelete('set null'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('answered_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('criticism_answers_criticism').on('criticism_answers').columns(['criticism_id', 'answered_at']).execute();
  },
};
