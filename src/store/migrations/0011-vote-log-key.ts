import { sql } from 'kysely';
import type { StoreMigration } from './types.js';

/**
 * The vote log loses its unique key by (member, idempotency key): since 0007 `vote_keys` keeps
 * every key by member before its vote writes anything, and a vote logs its key only after keeping
 * it there, so the log's key repeated that guarantee at the price of one more B-tree written at a
 * random place per logged vote (no query reads the log by key). PostgreSQL drops the constraint.
 * SQLite cannot drop a table's UNIQUE constraint, so the log is rebuilt without it, in one
 * transaction: same columns, same rows with the same seq, the AUTOINCREMENT counter carried over
 * (no seq is ever given twice), the index by (issue, seq) made again. On a long log the rebuild
 * takes a while once, holding the write lock. The version before this one runs on the migrated
 * database as well (a rolling upgrade): since 0007 no version writes or reads the log by its key.
 */
export const migration0011: StoreMigration = {
  async up(db, t) {
    if (t.dialect === 'postgres') {
      await sql`alter table vote_log drop constraint if exists vote_log_member_key`.execute(db);
      return;
    }
    await db.transaction().execute(async (trx) => {
      await trx.schema
        .createTable('vote_log_rebuilt')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
        .addColumn('statement_id', 'text', (c) => c.notNull().references('statements.id').onDelete('cascade'))
        .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
        .addColumn('value', 'integer', (c) => c.notNull().check(sql`value in (-1, 0, 1)`))
        .addColumn('idempotency_key', 'text')
        .addColumn('cast_at', t.timestamp, (c) => c.notNull())
        .addColumn('carried_from', 'text')
        .execute();
      const columns = sql.raw('seq, org_id, issue_id, statement_id, member_id, value, idempotency_key, cast_at, carried_from');
      await sql`insert into vote_log_rebuilt (${columns}) select ${columns} from vote_log order by seq`.execute(trx);
      // The counter is the highest seq ever given, which may be above the highest row left.
      await sql`delete from sqlite_sequence where name = 'vote_log_rebuilt'`.execute(trx);
      await sql`insert into sqlite_sequence (name, seq)
        select 'vote_log_rebuilt', max(s) from (select seq as s from sqlite_sequence where name = 'vote_log' union all select max(seq) from vote_log_rebuilt)
        having max(s) is not null`.execute(trx);
      await trx.schema.dropTable('vote_log').execute();
      await sql`alter table vote_log_rebuilt rename to vote_log`.execute(trx);
      await trx.schema.createIndex('vote_log_issue').on('vote_log').columns(['issue_id', 'seq']).execute();
    });
  },
};
