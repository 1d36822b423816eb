import { sql, type Kysely } from 'kysely';
import type { StoreMigration } from './types.js';

/**
 * Criticism from below, round two (issue 15): nothing stored keeps arrival order or a link from a
 * spent token to its criticism once a batch is published; issuance idempotent on the blinded
 * messages; each epoch's key published in the organisation's public chain; counts shown as of the
 * last publication; signing keys deletable once their window has closed.
 *
 * - `criticism_spent_tokens` is rebuilt without `criticism_id`. While a criticism waits for its
 *   batch, `pending_criticism_id` names it (so a retry of the same submission answers the same
 *   receipt); publication rewrites the batch's rows without it. The rows are copied in the order
 *   of their hashes, not of their arrival.
 * - `criticism_keys` gains its place in the chain (position, prev_hash, content_hash, entry_hash,
 *   published_at; null until published) and `private_key` may be null (deleted after its window).
 *   Keys made before this migration are published in the chain when next used.
 * - `criticism_chain_heads`: the head of each organisation's chain (criticism and keys share it);
 *   every append locks this row first, so appends are serialised and positions never collide.
 * - `criticism_blinded`: per member and epoch, the sha-256 of each blinded message signed, so a
 *   repeated request is answered again and counted once. Blinded messages say nothing of the
 *   tokens they become.
 * - `criticism_counts`, `criticism_epoch_counts`: what waits and the token counts per epoch, as
 *   of the last publication.
 *
 * On PostgreSQL each new or rebuilt table gets the organisation scope of 0008.
 */
export const migration0013: StoreMigration = {
  async up(db, t) {
    const sqlite = t.dialect === 'sqlite';
    // PostgreSQL runs each migration in a transaction already; SQLite's runs it in one here.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frozen migration, untyped tables
    const atomically = (work: (trx: Kysely<any>) => Promise<void>) => (sqlite ? db.transaction().execute(work) : work(db));
    await atomically(async (trx) => {
      // The spent tokens, without the link to their criticism.
      await sql`create table criticism_spent_tokens_unlinked (
        token_hash text primary key,
        org_id text not null references organisations (id) on delete cascade,
        epoch text not null,
        pending_criticism_id text
      )${sql.raw(sqlite ? ' without rowid' : '')}`.execute(trx);
      await sql`insert into criticism_spent_tokens_unlinked (token_hash, org_id, epoch, pending_criticism_id)
        select s.token_hash, s.org_id, s.epoch, case when c.published_at is null then s.criticism_id else null end
        from criticism_spent_tokens s left join criticisms c on c.id = s.criticism_id
        order by s.token_hash`.execute(trx);
      await trx.schema.dropTable('criticism_spent_tokens').execute();
      await sql`alter table criticism_spent_tokens_unlinked rename to criticism_spent_tokens`.execute(trx);
      await trx.schema.createIndex('criticism_spent_tokens_pending').on('criticism_spent_tokens').columns(['pending_criticism_id']).execute();

      // The keys, with their place in the chain, and a private key that may be deleted.
      if (sqlite) {
        await trx.schema
          .createTable('criticism_keys_chained')
          .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('epoch', 'text', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('private_key', 'text')
          .addColumn('created_at', t.timestamp, (c) => c.notNull())
          .addColumn('published_at', t.timestamp)
          .addColumn('position', 'integer')
          .addColumn('prev_hash', 'text')
          .addColumn('content_hash', 'text')
          .addColumn('entry_hash', 'text')
          .addPrimaryKeyConstraint('criticism_keys_pk', ['org_id', 'epoch'])
          .execute();
        await sql`insert into criticism_keys_chained (org_id, epoch, public_key, private_key, created_at)
          select org_id, epoch, public_key, private_key, created_at from criticism_keys`.execute(trx);
        await trx.schema.dropTable('criticism_keys').execute();
        await sql`alter table criticism_keys_chained rename to criticism_keys`.execute(trx);
      } else {
        await sql`alter table criticism_keys alter column private_key drop not null`.execute(trx);
        await trx.schema
          .alterTable('criticism_keys')
          .addColumn('published_at', t.timestamp)
          .addColumn('position', 'integer')
          .addColumn('prev_hash', 'text')
          .addColumn('content_hash', 'text')
          .addColumn('entry_hash', 'text')
          .execute();
      }
      await trx.schema.createIndex('criticism_keys_position').unique().on('criticism_keys').columns(['org_id', 'position']).execute();

      await trx.schema
        .createTable('criticism_chain_heads')
        .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('entry_hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into criticism_chain_heads (org_id, position, entry_hash)
        select c.org_id, c.position, c.entry_hash from criticisms c
        where c.position = (select max(d.position) from criticisms d where d.org_id = c.org_id)`.execute(trx);

      await trx.schema
        .createTable('criticism_blinded')
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
        .addColumn('blinded_hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('criticism_blinded_pk', ['org_id', 'epoch', 'member_id', 'blinded_hash'])
        .execute();

      await trx.schema
        .createTable('criticism_counts')
        .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisations.id').onDelete('cascade'))
        .addColumn('as_of', t.timestamp, (c) => c.notNull())
        .addColumn('pending', 'integer', (c) => c.notNull())
        .execute();
      await trx.schema
        .createTable('criticism_epoch_counts')
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('tokens_issued', 'integer', (c) => c.notNull())
        .addColumn('members_issued', 'integer', (c) => c.notNull())
        .addColumn('tokens_spent', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('criticism_epoch_counts_pk', ['org_id', 'epoch'])
        .execute();

      if (!sqlite) {
        for (const table of ['criticism_spent_tokens', 'criticism_chain_heads', 'criticism_blinded', 'criticism_counts', 'criticism_epoch_counts'])
          await organisationScope(trx, table);
      }
    });
  },
};

/** The row-level security of 0008, for a table made after it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frozen migration, untyped tables
async function organisationScope(db: Kysely<any>, table: string): Promise<void> {
  await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  await sql`
    create policy organisation_scope on ${sql.table(table)} for all
    using (
      org_id = (select current_setting('massline.org_id', true))
      or (select coalesce(current_setting('massline.org_id', true), '')) = ''
    )`.execute(db);
}
