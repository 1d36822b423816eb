/** The store on every dialect: migrations, the vote transaction, organisation scoping. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issues, members, openStore, organisations, statements, votes, type Store } from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

describe.each(dialects)('store on %s', (dialect) => {
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

  it('applies the migrations once, then has nothing to do', async () => {
    expect(await store.migrate()).toEqual([
      '0001-model',
      '0002-practice',
      '0003-criticism',
      '0004-session-role',
      '0005-statement-merge',
      '0006-action-participants',
      '0007-vote-keys',
      '0008-row-security',
      '0009-analysis-basis',
      '0010-carried-votes',
      '0011-vote-log-key',
      '0012-analysis-list',
      '0013-criticism-unlinked',
    ]);
    expect(await store.migrate()).toEqual([]);
  });

  it('runs on a database a newer version migrated further (a rolling upgrade), and refuses one that diverged', async () => {
    const record = (name: string) => sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(store.db);
    const forget = (name: string) => sql`delete from kysely_migration where name = ${name}`.execute(store.db);
    await record('9999-from-a-newer-version');
    try {
      expect(await store.migrationsAhead()).toEqual(['9999-from-a-newer-version']);
      expect(await store.migrate()).toEqual([]);
    } finally {
      await forget('9999-from-a-newer-version');
    }
    await record('0004a-of-another-branch');
    try {
      await expect(store.migrate()).rejects.toThrow(/migrations this version of Massline does not know \(0004a-of-another-branch\)/);
    } finally {
      await forget('0004a-of-another-branch');
    }
    expect(await store.migrationsAhead()).toEqual([]);
    expect(await store.migrate()).toEqual([]);
  });

  async function fixture() {
    const org = await organisations.createOrganisation(store.db, { slug: `o${Math.random().toString(36).slice(2, 10)}`, name: 'O', at });
    const m = await members.createMember(store.db, { orgId: org.id, displayName: 'M', role: 'member', at });
    const { issue, cycle } = await issues.createIssue(store.db, { orgId: org.id, title: 'I', description: '', createdBy: m.id, at });
    const s = statements.statementRow({
      orgId: org.id,
      issueId: issue.id,
      cycleId: cycle.id,
      authorId: m.id,
      text: 'S',
      status: 'accepted',
      origin: 'member',
      at,
    });
    await statements.insertStatements(store.db, [s]);
    return { org, m, issue, s };
  }

  it('writes the vote log and the current vote together, or neither', async () => {
    const { org, m, issue, s } = await fixture();
    await votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: s.id, memberId: m.id, value: 1, idempotencyKey: null, at });
    // A failure after the log row (a vote on a statement that does not exist) rolls the whole vote back.
    await expect(
      votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: 'missing-statement', memberId: m.id, value: -1, idempotencyKey: null, at }),
    ).rejects.toThrow();
    const log = await votes.voteLogOfIssue(store.db, org.id, issue.id);
    expect(log.map((v) => v.value)).toEqual([1]);
    expect((await votes.currentVotesOfIssue(store.db, org.id, issue.id)).map((v) => v.value)).toEqual([1]);
  });

  it('measures what the vote tables take on disk, and it grows with the votes', async () => {
    const before = await votes.voteStorageBytes(store.db, store.dialect);
    expect(before).toBeGreaterThan(0);
    const { org, m, issue, s: first } = await fixture();
    const rows = Array.from({ length: 400 }, (_, i) =>
      statements.statementRow({
        orgId: org.id,
        issueId: issue.id,
        cycleId: first.cycle_id,
        authorId: m.id,
        text: `S${i}`,
        status: 'accepted',
        origin: 'member',
        at,
      }),
    );
    await statements.insertStatements(store.db, rows);
    for (const s of rows)
      await votes.castVote(store.db, { orgId: org.id, issueId: issue.id, statementId: s.id, memberId: m.id, value: 1, idempotencyKey: `k-${s.id}`, at });
    expect(await votes.voteStorageBytes(store.db, store.dialect)).toBeGreaterThan(before);
  });

  it('rejects a vote value outside −1, 0, 1 at the database too', async () => {
    const { org, m, issue, s } = await fixture();
    await expect(
      store.db
        .insertInto('votes')
        .values({ org_id: org.id, issue_id: issue.id, statement_id: s.id, member_id: m.id, value: 2 as never, updated_at: at })
        .execute(),
    ).rejects.toThrow();
  });

  it('scopes reads by organisation', async () => {
    const a = await fixture();
    const b = await fixture();
    expect(await issues.getIssue(store.db, a.org.id, b.issue.id)).toBeUndefined();
    expect(await statements.getStatement(store.db, a.org.id, b.s.id)).toBeUndefined();
    expect(await members.getMember(store.db, a.org.id, b.m.id)).toBeUndefined();
    expect((await issues.getIssue(store.db, b.org.id, b.issue.id))?.id).toBe(b.issue.id);
  });

  it('returns timestamps as ISO strings on every dialect', async () => {
    const { org } = await fixture();
    expect((await organisations.getOrganisation(store.db, org.id))?.created_at).toBe(at);
  });
});
