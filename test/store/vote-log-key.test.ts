/**
 * Migration 0011 on every dialect: the vote log loses its unique key by (member, idempotency key)
 * and keeps every row, its seq and (SQLite, where the table is rebuilt) its AUTOINCREMENT counter,
 * its index by (issue, seq) and its foreign keys; the retry rule still holds through vote_keys.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issues, members, openStore, organisations, statements, votes, type Store } from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

describe.each(dialects)('migration 0011-vote-log-key on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const at = '2026-02-01T12:00:00.000Z';
  beforeAll(async () => {
    database = await freshDatabase(dialect);
    store = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const logRows = async () =>
    (
      await sql<{
        seq: number | string;
        member_id: string;
        statement_id: string;
        value: number;
        idempotency_key: string | null;
      }>`select seq, member_id, statement_id, value, idempotency_key from vote_log order by seq`.execute(store.db)
    ).rows.map((r) => ({ ...r, seq: Number(r.seq), value: Number(r.value) }));

  it('keeps the log, its seq and its counter, and drops only the key', async () => {
    expect(await store.migrate('0010-carried-votes')).toHaveLength(10);
    const org = await organisations.createOrganisation(store.db, { slug: 'o0011', name: 'O', at });
    const m = await members.createMember(store.db, { orgId: org.id, displayName: 'M', role: 'member', at });
    const { issue, cycle } = await issues.createIssue(store.db, { orgId: org.id, title: 'I', description: '', createdBy: m.id, at });
    const rows = [1, 2, 3].map((i) =>
      statements.statementRow({ orgId: org.id, issueId: issue.id, cycleId: cycle.id, authorId: m.id, text: `S${i}`, status: 'accepted', origin: 'member', at }),
    );
    await statements.insertStatements(store.db, rows);
    const cast = (s: number, value: -1 | 0 | 1, key: string | null) =>
      votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: rows[s]!.id, memberId: m.id, value, idempotencyKey: key, at });
    await cast(0, 1, 'a');
    await cast(1, -1, 'b');
    await cast(2, 0, null);
    await cast(0, -1, 'c');
    const before = await logRows();
    expect(before).toHaveLength(4);
    // The newest row goes (as a cascade or a merge may delete rows): its seq must never be given again.
    const removedSeq = before[3]!.seq;
    await sql`delete from vote_log where seq = ${removedSeq}`.execute(store.db);

    expect(await store.migrate()).toEqual(['0011-vote-log-key', '0012-analysis-list', '0013-criticism-unlinked']);
    expect(await logRows()).toEqual(before.slice(0, 3));

    if (dialect === 'sqlite') {
      const indexes = (await sql<{ name: string; unique: number }>`select name, "unique" from pragma_index_list('vote_log') order by name`.execute(store.db))
        .rows;
      expect(indexes.map((i) => [i.name, Number(i.unique)])).toEqual([['vote_log_issue', 0]]);
      const foreignKeys = (await sql<{ table: string }>`select "table" from pragma_foreign_key_list('vote_log') order by "table"`.execute(store.db)).rows;
      expect(foreignKeys.map((f) => f.table)).toEqual(['issues', 'members', 'organisations', 'statements']);
      expect((await sql<{ name: string }>`select name from sqlite_sequence where name like 'vote_log%'`.execute(store.db)).rows).toEqual([
        { name: 'vote_log' },
      ]);
    } else {
      const constraints = (
        await sql<{ conname: string }>`select conname from pg_constraint where conrelid = 'vote_log'::regclass and contype = 'u'`.execute(store.db)
      ).rows;
      expect(constraints).toEqual([]);
    }

    // The next vote takes a seq above every one ever given; the retry rule still answers from vote_keys.
    await cast(1, 1, 'd');
    const after = await logRows();
    expect(after).toHaveLength(4);
    expect(after[3]!.seq).toBeGreaterThan(removedSeq);
    expect(await cast(1, 0, 'b')).toMatchObject({ value: -1, changed: false });
    expect(await logRows()).toHaveLength(4);
    // A vote on a statement that does not exist is still refused by the log's foreign keys.
    await expect(
      votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: 'missing', memberId: m.id, value: 1, idempotencyKey: 'e', at }),
    ).rejects.toThrow();
  });
});
