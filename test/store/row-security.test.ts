/**
 * The second line of organisation scoping (migration 0008-row-security, store/scope.ts): on
 * PostgreSQL, work scoped to one organisation neither sees nor writes another's rows even
 * through a query that forgot `where org_id = …`; on SQLite (no row-level security) the scope
 * changes nothing and the repositories are the one line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  inTransaction,
  issues,
  members,
  openStore,
  organisations,
  outsideOrganisationScope,
  scopedOrganisation,
  statements,
  votes,
  withOrganisationScope,
  narrowToOrganisation,
  type Store,
} from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

const at = '2026-02-01T12:00:00.000Z';

/** An organisation with two members, an issue, two statements and both members' votes on both. */
async function organisationWithVotes(store: Store, name: string) {
  const org = await organisations.createOrganisation(store.db, { slug: `${name}-${Math.random().toString(36).slice(2, 8)}`, name, at });
  const ana = await members.createMember(store.db, { orgId: org.id, displayName: `${name} Ana`, role: 'member', at });
  const ben = await members.createMember(store.db, { orgId: org.id, displayName: `${name} Ben`, role: 'member', at });
  const { issue, cycle } = await issues.createIssue(store.db, { orgId: org.id, title: `${name} issue`, description: '', createdBy: ana.id, at });
  const rows = [0, 1].map((i) =>
    statements.statementRow({
      orgId: org.id,
      issueId: issue.id,
      cycleId: cycle.id,
      authorId: ana.id,
      text: `${name} S${i}`,
      status: 'accepted',
      origin: 'member',
      at,
    }),
  );
  await statements.insertStatements(store.db, rows);
  for (const m of [ana, ben]) {
    for (const s of rows)
      await votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: s.id, memberId: m.id, value: 1, idempotencyKey: null, at });
  }
  return { org, ana, ben, issue, cycle, statements: rows };
}

type Fixture = Awaited<ReturnType<typeof organisationWithVotes>>;

/** The organisations whose rows a query without any organisation filter returns. */
async function orgsSeenIn(store: Store, table: 'members' | 'issues' | 'statements' | 'votes' | 'vote_log'): Promise<string[]> {
  const rows = await store.db.selectFrom(table).select('org_id').distinct().execute();
  return rows.map((r) => r.org_id).sort();
}

describe('organisation scope', () => {
  it('is null outside a scope, set once known, never moved to another organisation', () => {
    expect(scopedOrganisation()).toBeNull();
    withOrganisationScope(null, () => {
      expect(scopedOrganisation()).toBeNull();
      narrowToOrganisation('org-a');
      expect(scopedOrganisation()).toBe('org-a');
      narrowToOrganisation('org-a');
      expect(() => narrowToOrganisation('org-b')).toThrow(/cannot move/);
      expect(outsideOrganisationScope(() => scopedOrganisation())).toBeNull();
    });
    withOrganisationScope('org-b', () => expect(scopedOrganisation()).toBe('org-b'));
    // Outside any scope, narrowing has nothing to narrow.
    narrowToOrganisation('org-a');
    expect(scopedOrganisation()).toBeNull();
  });
});

describe.each(dialects)('row-level security on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let a: Fixture;
  let b: Fixture;
  beforeAll(async () => {
    database = await freshDatabase(dialect);
    // A pool of one connection: every query below reuses the connection of the one before.
    store = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, poolSize: 1, voteWriter: 'inline' });
    await store.migrate();
    a = await organisationWithVotes(store, 'a');
    b = await organisationWithVotes(store, 'b');
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const pg = dialect === 'postgres';
  const both = () => [a.org.id, b.org.id].sort();

  it.runIf(pg)('covers every table with an org_id column, and organisations, forced on the owner the store connects as', async () => {
    const orgTables = await sql<{ table_name: string }>`
      select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'org_id' order by table_name`.execute(store.db);
    const expected = ['organisations', ...orgTables.rows.map((r) => r.table_name)].sort();
    expect(expected.length).toBeGreaterThan(20);
    const secured = await sql<{ relname: string }>`
      select c.relname from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relrowsecurity and c.relforcerowsecurity
        and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'organisation_scope')
      order by c.relname`.execute(store.db);
    expect(secured.rows.map((r) => r.relname).sort()).toEqual(expected);
    // A superuser or a BYPASSRLS role would pass through every policy: the tests would prove nothing.
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owner: boolean }>`
      select rolsuper, rolbypassrls, pg_has_role(current_user, (select relowner from pg_class where oid = 'members'::regclass), 'usage') as owner
      from pg_roles where rolname = current_user`.execute(store.db);
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owner: true });
  });

  it.runIf(pg)("inside an organisation's scope, a query without an organisation filter sees that organisation's rows only", async () => {
    await withOrganisationScope(a.org.id, async () => {
      for (const table of ['members', 'issues', 'statements', 'votes', 'vote_log'] as const) expect(await orgsSeenIn(store, table)).toEqual([a.org.id]);
      const raw = await sql<{ id: string; org_id: string }>`select * from members`.execute(store.db);
      expect(raw.rows.map((r) => r.id).sort()).toEqual([a.ana.id, a.ben.id].sort());
      expect((await store.db.selectFrom('organisations').select('id').execute()).map((r) => r.id)).toEqual([a.org.id]);
      // The repositories answer as before; another organisation's ids find nothing, as if they did not exist.
      expect((await issues.getIssue(store.db, a.org.id, a.issue.id))?.id).toBe(a.issue.id);
      expect(await issues.getIssue(store.db, b.org.id, b.issue.id)).toBeUndefined();
      expect(await organisations.getOrganisation(store.db, b.org.id)).toBeUndefined();
    });
    await withOrganisationScope(b.org.id, async () => {
      expect(await orgsSeenIn(store, 'votes')).toEqual([b.org.id]);
    });
  });

  it.runIf(pg)("inside an organisation's scope, another organisation's rows can be neither written nor changed nor deleted", async () => {
    await withOrganisationScope(a.org.id, async () => {
      await expect(members.createMember(store.db, { orgId: b.org.id, displayName: 'Intruder', role: 'admin', at })).rejects.toThrow(/row-level security/);
      await expect(
        store.db
          .insertInto('votes')
          .values({ org_id: b.org.id, issue_id: b.issue.id, statement_id: b.statements[0]!.id, member_id: b.ana.id, value: -1, updated_at: at })
          .execute(),
      ).rejects.toThrow(/row-level security/);
      // Moving one of its own rows to the other organisation is refused too.
      await expect(store.db.updateTable('members').set({ org_id: b.org.id }).where('id', '=', a.ana.id).execute()).rejects.toThrow(/row-level security/);
      const changed = await store.db.updateTable('members').set({ display_name: 'Renamed' }).where('id', '=', b.ana.id).executeTakeFirst();
      expect(Number(changed.numUpdatedRows)).toBe(0);
      const deleted = await store.db.deleteFrom('votes').where('member_id', '=', b.ben.id).executeTakeFirst();
      expect(Number(deleted.numDeletedRows)).toBe(0);
    });
    expect((await members.getMember(store.db, b.org.id, b.ana.id))?.display_name).toBe('b Ana');
    expect(await votes.currentVotesOfIssue(store.db, b.org.id, b.issue.id)).toHaveLength(4);
  });

  it('outside any scope (and in a scope whose organisation is not yet known) every row is visible', async () => {
    expect(await orgsSeenIn(store, 'members')).toEqual(both());
    expect(await orgsSeenIn(store, 'votes')).toEqual(both());
    await withOrganisationScope(null, async () => expect(await orgsSeenIn(store, 'statements')).toEqual(both()));
    await withOrganisationScope(a.org.id, async () => outsideOrganisationScope(async () => expect(await orgsSeenIn(store, 'issues')).toEqual(both())));
  });

  it.runIf(pg)('a pooled connection used in one scope and then in another carries the second one only', async () => {
    const setting = async () => (await sql<{ s: string | null }>`select current_setting('massline.org_id', true) as s`.execute(store.db)).rows[0]!.s;
    const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db)).rows[0]!.pid;
    const first = await pid();
    await withOrganisationScope(a.org.id, async () => {
      expect(await setting()).toBe(a.org.id);
      expect(await orgsSeenIn(store, 'members')).toEqual([a.org.id]);
    });
    await withOrganisationScope(b.org.id, async () => {
      expect(await pid()).toBe(first);
      expect(await setting()).toBe(b.org.id);
      expect(await orgsSeenIn(store, 'members')).toEqual([b.org.id]);
      expect(await orgsSeenIn(store, 'vote_log')).toEqual([b.org.id]);
    });
    // Outside, the connection is reset: nothing of b's scope remains.
    expect(await pid()).toBe(first);
    expect(await setting()).toBe('');
    expect(await orgsSeenIn(store, 'members')).toEqual(both());
  });

  it.runIf(pg)('a transaction runs on one connection in the scope it began in, and a rollback keeps the setting', async () => {
    await withOrganisationScope(a.org.id, async () => {
      const seen = await inTransaction(store.db, async (trx) =>
        (await trx.selectFrom('statements').select('org_id').distinct().execute()).map((r) => r.org_id),
      );
      expect(seen).toEqual([a.org.id]);
      await expect(
        inTransaction(store.db, async (trx) => {
          await trx.selectFrom('members').selectAll().execute();
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await orgsSeenIn(store, 'members')).toEqual([a.org.id]);
    });
    await withOrganisationScope(b.org.id, async () => {
      expect(
        await inTransaction(store.db, async (trx) => (await trx.selectFrom('members').select('org_id').distinct().execute()).map((r) => r.org_id)),
      ).toEqual([b.org.id]);
    });
  });

  it.runIf(pg)('interleaved work of two organisations over a small pool each sees its own rows', async () => {
    const small = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, poolSize: 2 });
    try {
      const runs = Array.from({ length: 40 }, (_, i) => {
        const f = i % 2 === 0 ? a : b;
        return withOrganisationScope(f.org.id, async () => {
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          const seen = await orgsSeenIn(small, i % 4 < 2 ? 'members' : 'votes');
          const inTrx = await inTransaction(small.db, async (trx) =>
            (await trx.selectFrom('statements').select('org_id').distinct().execute()).map((r) => r.org_id),
          );
          return { want: f.org.id, seen: [...new Set([...seen, ...inTrx])] };
        });
      });
      for (const r of await Promise.all(runs)) expect(r.seen).toEqual([r.want]);
    } finally {
      await small.close();
    }
  });

  it("the vote writer's batches, several organisations' votes in one transaction, are written whichever scope casts them", async () => {
    const cast = (f: Fixture, value: -1 | 0 | 1) =>
      withOrganisationScope(f.org.id, () =>
        store.voteWriter.cast({
          orgId: f.org.id,
          statementId: f.statements[1]!.id,
          memberId: f.ben.id,
          seesAllStatements: false,
          value,
          idempotencyKey: null,
          at,
        }),
      );
    // Cast in the same turn: one batch, begun from a's scope.
    const [ra, rb] = await Promise.all([cast(a, -1), cast(b, 0)]);
    expect(ra).toMatchObject({ value: -1, changed: true });
    expect(rb).toMatchObject({ value: 0, changed: true });
    expect((await votes.memberVotesOnIssue(store.db, b.org.id, b.issue.id, b.ben.id)).get(b.statements[1]!.id)).toBe(0);
  });

  it.runIf(!pg)('changes nothing on SQLite, which has no row-level security: the repositories are the one line there', async () => {
    await withOrganisationScope(a.org.id, async () => {
      expect(await orgsSeenIn(store, 'members')).toEqual(both());
      expect(await issues.getIssue(store.db, b.org.id, a.issue.id)).toBeUndefined();
      expect((await issues.getIssue(store.db, a.org.id, a.issue.id))?.id).toBe(a.issue.id);
    });
  });
});
