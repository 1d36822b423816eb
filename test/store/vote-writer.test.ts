/**
 * Group commit (src/store/vote-writer.ts) on every dialect, and on SQLite both in its worker
 * thread and inline: concurrent votes share transactions, yet each is answered as if it had been
 * cast alone, in order; one vote's failure fails that vote only; closing the store writes what
 * was cast before it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type VoteValue } from '../../src/core/index.js';
import { issues, members, openStore, organisations, statements, votes, type Store } from '../../src/store/index.js';
import type { CastVote, VoteRequest } from '../../src/store/repos/votes.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

const modes = [
  { name: 'sqlite, writer thread', dialect: 'sqlite', voteWriter: 'thread' },
  { name: 'sqlite, inline', dialect: 'sqlite', voteWriter: 'inline' },
  { name: 'postgres', dialect: 'postgres', voteWriter: undefined },
] as const;

const at = '2026-02-01T12:00:00.000Z';

/** A vote's outcome as the API would answer it: the result, or the error's code (null: not a DomainError). */
type Answer = { value: VoteValue; changed: boolean } | { error: string | null };
const answer = (o: PromiseSettledResult<{ value: VoteValue; changed: boolean }>): Answer =>
  o.status === 'fulfilled' ? { value: o.value.value, changed: o.value.changed } : { error: o.reason instanceof DomainError ? o.reason.code : null };

describe.each(modes)('vote writer, $name', ({ dialect, voteWriter }) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await freshDatabase(dialect);
    store = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, voteWriter });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /** An organisation with `m` members and an issue of `s` accepted statements. */
  async function fixture(m: number, s: number, on: Store = store) {
    const org = await organisations.createOrganisation(on.db, { slug: `o${Math.random().toString(36).slice(2, 10)}`, name: 'O', at });
    const memberRows = Array.from({ length: m }, (_, i) => members.memberRow({ orgId: org.id, displayName: `M${i}`, role: 'member', at }));
    await members.insertMembers(on.db, memberRows);
    const { issue, cycle } = await issues.createIssue(on.db, { orgId: org.id, title: 'I', description: '', createdBy: null, at });
    const statementRows = Array.from({ length: s }, (_, i) =>
      statements.statementRow({
        orgId: org.id,
        issueId: issue.id,
        cycleId: cycle.id,
        authorId: null,
        text: `S${i}`,
        status: 'accepted',
        origin: 'organiser',
        at,
      }),
    );
    await statements.insertStatements(on.db, statementRows);
    /** A member's vote as the API requests it. */
    const vote = (member: number, statement: number, value: VoteValue, idempotencyKey: string | null = null): VoteRequest => ({
      orgId: org.id,
      statementId: statementRows[statement]!.id,
      memberId: memberRows[member]!.id,
      seesAllStatements: false,
      value,
      idempotencyKey,
      at,
    });
    /** The same vote as the repository's castVote takes it. */
    const castVote = (member: number, statement: number, value: VoteValue, idempotencyKey: string | null = null): CastVote => ({
      orgId: org.id,
      issueId: issue.id,
      statementId: statementRows[statement]!.id,
      memberId: memberRows[member]!.id,
      value,
      idempotencyKey,
      at,
    });
    return { org, issue, memberIds: memberRows.map((r) => r.id), statementIds: statementRows.map((r) => r.id), vote, castVote };
  }

  /** Per member and statement: its logged values, oldest first; and the current votes. */
  async function tables(f: { org: { id: string }; issue: { id: string } }, on: Store = store) {
    const log = await votes.voteLogOfIssue(on.db, f.org.id, f.issue.id);
    const byPair = new Map<string, number[]>();
    for (const v of log) byPair.set(`${v.memberId} ${v.statementId}`, [...(byPair.get(`${v.memberId} ${v.statementId}`) ?? []), v.value]);
    const current = new Map((await votes.currentVotesOfIssue(on.db, f.org.id, f.issue.id)).map((v) => [`${v.memberId} ${v.statementId}`, v.value]));
    return { byPair, current, logged: log.length };
  }

  it('writes concurrent votes in a few transactions, each answered with its own result', async () => {
    const f = await fixture(40, 5);
    const before = store.voteWriter.stats();
    const cast = Array.from({ length: 200 }, (_, i) => store.voteWriter.cast(f.vote(i % 40, Math.floor(i / 40), ((i % 3) - 1) as VoteValue, `key-${i}`)));
    const results = await Promise.all(cast);
    expect(results.every((r) => r.changed)).toBe(true);
    results.forEach((r, i) => expect(r).toEqual({ value: (i % 3) - 1, changed: true, issueId: f.issue.id }));
    const after = store.voteWriter.stats();
    expect(after.votes - before.votes).toBe(200);
    expect(after.batches - before.batches).toBeLessThan(20);
    const t = await tables(f);
    expect(t.logged).toBe(200);
    for (const [pair, values] of t.byPair) expect(t.current.get(pair)).toBe(values.at(-1));
  });

  it('answers a retry in the same batch from the first write, and refuses the key on another statement for that vote only', async () => {
    const f = await fixture(2, 2);
    const outcomes = await Promise.allSettled([
      store.voteWriter.cast(f.vote(0, 0, 1, 'retry-key')),
      // The same key again with another value: answered from the first write.
      store.voteWriter.cast(f.vote(0, 0, -1, 'retry-key')),
      // The same key on another statement: 409, and nothing of it written.
      store.voteWriter.cast(f.vote(0, 1, 1, 'retry-key')),
      store.voteWriter.cast(f.vote(1, 0, 0, 'retry-key')),
    ]);
    expect(outcomes.map(answer)).toEqual([{ value: 1, changed: true }, { value: 1, changed: false }, { error: 'conflict' }, { value: 0, changed: true }]);
    // A later retry, in another batch, is answered the same way.
    expect(answer((await Promise.allSettled([store.voteWriter.cast(f.vote(0, 0, 0, 'retry-key'))]))[0]!)).toEqual({ value: 1, changed: false });
    const t = await tables(f);
    expect(Object.fromEntries(t.byPair)).toEqual({ [`${f.memberIds[0]} ${f.statementIds[0]}`]: [1], [`${f.memberIds[1]} ${f.statementIds[0]}`]: [0] });
  });

  /**
   * The regression of a keyed vote that changed nothing: agree (K1), agree again (K2, no change),
   * disagree (K3), then a late retry of K2. K2 must be answered as it was the first time (agree,
   * unchanged) and change nothing; before migration 0007 its key was not kept, and the retry
   * set the vote back to agree.
   */
  const unchangedKeySteps = [
    { value: 1, key: 'late-k1', answer: { value: 1, changed: true } },
    { value: 1, key: 'late-k2', answer: { value: 1, changed: false } },
    { value: -1, key: 'late-k3', answer: { value: -1, changed: true } },
    { value: 1, key: 'late-k2', answer: { value: 1, changed: false } },
  ] as const;

  /** After the steps above: the log holds the two changes, the current vote is disagree, and K2 is kept for good. */
  async function expectUnchangedKeyKept(
    f: Awaited<ReturnType<typeof fixture>>,
    retry: (v: { member: number; statement: number; value: VoteValue; key: string }) => Promise<Answer>,
  ) {
    const t = await tables(f);
    expect(Object.fromEntries(t.byPair)).toEqual({ [`${f.memberIds[0]} ${f.statementIds[0]}`]: [1, -1] });
    expect(Object.fromEntries(t.current)).toEqual({ [`${f.memberIds[0]} ${f.statementIds[0]}`]: -1 });
    // The key again, with another value: still the first answer; on another statement: 409.
    expect(await retry({ member: 0, statement: 0, value: 0, key: 'late-k2' })).toEqual({ value: 1, changed: false });
    expect(await retry({ member: 0, statement: 1, value: 1, key: 'late-k2' })).toEqual({ error: 'conflict' });
    // Another member's identical key is theirs alone.
    expect(await retry({ member: 1, statement: 0, value: 0, key: 'late-k2' })).toEqual({ value: 0, changed: true });
    const after = await tables(f);
    expect(Object.fromEntries(after.current)).toEqual({ [`${f.memberIds[0]} ${f.statementIds[0]}`]: -1, [`${f.memberIds[1]} ${f.statementIds[0]}`]: 0 });
    expect(after.logged).toBe(3);
  }

  it('keeps the key of a keyed vote that changed nothing: a late retry of it does not overwrite a newer vote (one batch each)', async () => {
    const f = await fixture(2, 2);
    const cast = async (v: { member: number; statement: number; value: VoteValue; key: string }) =>
      answer((await Promise.allSettled([store.voteWriter.cast(f.vote(v.member, v.statement, v.value, v.key))]))[0]!);
    for (const step of unchangedKeySteps) expect(await cast({ member: 0, statement: 0, value: step.value, key: step.key }), step.key).toEqual(step.answer);
    await expectUnchangedKeyKept(f, cast);
  });

  it('keeps the key of a keyed vote that changed nothing, all in one batch', async () => {
    const f = await fixture(2, 2);
    const outcomes = await Promise.allSettled(unchangedKeySteps.map((step) => store.voteWriter.cast(f.vote(0, 0, step.value, step.key))));
    expect(outcomes.map(answer)).toEqual(unchangedKeySteps.map((step) => step.answer));
    await expectUnchangedKeyKept(f, async (v) =>
      answer((await Promise.allSettled([store.voteWriter.cast(f.vote(v.member, v.statement, v.value, v.key))]))[0]!),
    );
  });

  it('keeps the key of a keyed vote that changed nothing through castVote too', async () => {
    const f = await fixture(2, 2);
    const cast = async (v: { member: number; statement: number; value: VoteValue; key: string }) =>
      answer((await Promise.allSettled([votes.castVote(store.db, f.castVote(v.member, v.statement, v.value, v.key))]))[0]!);
    for (const step of unchangedKeySteps) expect(await cast({ member: 0, statement: 0, value: step.value, key: step.key }), step.key).toEqual(step.answer);
    await expectUnchangedKeyKept(f, cast);
  });

  it('logs in the order the current vote changes when one member changes a vote several times in a batch', async () => {
    const f = await fixture(1, 1);
    const values: VoteValue[] = [1, -1, -1, 0, 1];
    const results = (await Promise.allSettled(values.map((v) => store.voteWriter.cast(f.vote(0, 0, v))))).map(answer);
    expect(results).toEqual([
      { value: 1, changed: true },
      { value: -1, changed: true },
      { value: -1, changed: false },
      { value: 0, changed: true },
      { value: 1, changed: true },
    ]);
    const t = await tables(f);
    expect([...t.byPair.values()]).toEqual([[1, -1, 0, 1]]);
    expect([...t.current.values()]).toEqual([1]);
  });

  it('refuses, in the same transaction, only the votes whose statement is not open to the voter', async () => {
    const f = await fixture(3, 3);
    await statements.moderateStatement(store.db, f.org.id, f.statementIds[1]!, 'rejected', f.memberIds[0]!, at);
    await store.db.updateTable('statements').set({ status: 'unmoderated' }).where('id', '=', f.statementIds[2]!).execute();
    const outcomes = await Promise.allSettled([
      store.voteWriter.cast(f.vote(0, 0, 1, 'fine-1')),
      store.voteWriter.cast({ ...f.vote(1, 0, -1, 'gone-1'), statementId: 'no-such-statement' }),
      // Rejected: closed to everyone (an organiser sees it, so 409; a member does not, so 404).
      store.voteWriter.cast({ ...f.vote(1, 1, 1), seesAllStatements: true }),
      store.voteWriter.cast(f.vote(1, 1, 1)),
      // Awaiting moderation in a strict organisation: hidden from members, open to organisers.
      store.voteWriter.cast(f.vote(2, 2, 1)),
      store.voteWriter.cast({ ...f.vote(2, 2, 0), seesAllStatements: true }),
      // A member that does not exist: the database refuses the row (a foreign key), this vote alone fails.
      store.voteWriter.cast({ ...f.vote(0, 1, 1), statementId: f.statementIds[0]!, memberId: 'no-such-member' }),
      store.voteWriter.cast(f.vote(2, 0, -1, 'fine-2')),
    ]);
    expect(outcomes.map(answer)).toEqual([
      { value: 1, changed: true },
      { error: 'not_found' },
      { error: 'conflict' },
      { error: 'not_found' },
      { error: 'not_found' },
      { value: 0, changed: true },
      { error: null },
      { value: -1, changed: true },
    ]);
    const t = await tables(f);
    expect(t.logged).toBe(3);
    expect(t.current.size).toBe(3);
  });

  it('fails only the vote whose write fails (a member gone meanwhile); the rest of its batch is written and answered', async () => {
    const f = await fixture(9, 2);
    const before = store.voteWriter.stats();
    const requests = Array.from({ length: 10 }, (_, i) =>
      i === 4 ? { ...f.vote(0, 0, 1, 'gone-4'), memberId: 'no-such-member' } : f.vote(i < 4 ? i : i - 1, 1, -1, `kept-${i}`),
    );
    const settled = (await Promise.allSettled(requests.map((r) => store.voteWriter.cast(r)))).map(answer);
    expect(store.voteWriter.stats().batches - before.batches).toBe(1);
    expect(settled[4]).toEqual({ error: null });
    settled.forEach((a, i) => i !== 4 && expect(a, `vote ${i}`).toEqual({ value: -1, changed: true }));
    const t = await tables(f);
    expect(t.logged).toBe(9);
    for (let m = 0; m < 9; m++) expect(t.current.get(`${f.memberIds[m]} ${f.statementIds[1]}`)).toBe(-1);
    // Every kept key answers its retry; the failed vote's key was not kept.
    const retried = await Promise.all(requests.filter((_, i) => i !== 4).map((r) => store.voteWriter.cast(r)));
    expect(retried.every((r) => r.value === -1 && !r.changed)).toBe(true);
    const keys = await store.db.selectFrom('vote_keys').select('idempotency_key').where('idempotency_key', '=', 'gone-4').execute();
    expect(keys).toEqual([]);
  });

  it('writes every vote cast before the store closes, and refuses votes after', async () => {
    const own = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, voteWriter, poolSize: 2 });
    const f = await fixture(50, 2, own);
    const cast = Array.from({ length: 100 }, (_, i) => own.voteWriter.cast(f.vote(i % 50, Math.floor(i / 50), 1)));
    const closed = own.close();
    await expect(own.voteWriter.cast(f.vote(0, 0, -1))).rejects.toThrow(/closing/);
    expect((await Promise.all(cast)).every((r) => r.changed)).toBe(true);
    await closed;
    const t = await tables(f);
    expect(t.logged).toBe(100);
  });

  it('answers a batch exactly as the same votes cast one at a time (property)', async () => {
    const op = fc.record({
      member: fc.integer({ min: 0, max: 2 }),
      statement: fc.integer({ min: 0, max: 2 }),
      value: fc.constantFrom<VoteValue>(-1, 0, 1),
      key: fc.option(fc.constantFrom('key-0', 'key-1', 'key-2'), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 24 }), async (ops) => {
        const together = await fixture(3, 3);
        const alone = await fixture(3, 3);
        const batched = (await Promise.allSettled(ops.map((o) => store.voteWriter.cast(together.vote(o.member, o.statement, o.value, o.key))))).map(answer);
        const oneByOne: Answer[] = [];
        for (const o of ops)
          oneByOne.push(answer((await Promise.allSettled([votes.castVote(store.db, alone.castVote(o.member, o.statement, o.value, o.key))]))[0]!));
        expect(batched).toEqual(oneByOne);
        // The same log per member and statement (ids differ between the fixtures: compare by position).
        const byPosition = (f: typeof together, t: Awaited<ReturnType<typeof tables>>) =>
          Object.fromEntries(
            [...t.byPair].map(([pair, values]) => {
              const [m, s] = pair.split(' ');
              return [`${f.memberIds.indexOf(m!)} ${f.statementIds.indexOf(s!)}`, { log: values, current: t.current.get(pair) }];
            }),
          );
        expect(byPosition(together, await tables(together))).toEqual(byPosition(alone, await tables(alone)));
      }),
      { numRuns: dialect === 'postgres' ? 15 : 30 },
    );
  });
});

describe.each(dialects)('migration 0007-vote-keys on %s', (dialect) => {
  it('keeps the keys already logged: their retries are answered as before, through the writer and castVote', async () => {
    const database = await freshDatabase(dialect);
    const store = openStore({ dataDir: database.dataDir, databaseUrl: database.databaseUrl });
    try {
      await store.migrate('0006-action-participants');
      const org = await organisations.createOrganisation(store.db, { slug: `o${Math.random().toString(36).slice(2, 10)}`, name: 'O', at });
      const m = await members.createMember(store.db, { orgId: org.id, displayName: 'M', role: 'member', at });
      const { issue, cycle } = await issues.createIssue(store.db, { orgId: org.id, title: 'I', description: '', createdBy: null, at });
      const rows = [0, 1].map((i) =>
        statements.statementRow({
          orgId: org.id,
          issueId: issue.id,
          cycleId: cycle.id,
          authorId: null,
          text: `S${i}`,
          status: 'accepted',
          origin: 'organiser',
          at,
        }),
      );
      await statements.insertStatements(store.db, rows);
      // A keyed vote as the schema of 0006 kept it: its key on its log row only.
      const s = rows[0]!.id;
      await store.db.insertInto('votes').values({ org_id: org.id, issue_id: issue.id, statement_id: s, member_id: m.id, value: 1, updated_at: at }).execute();
      await store.db
        .insertInto('vote_log')
        .values({ org_id: org.id, issue_id: issue.id, statement_id: s, member_id: m.id, value: 1, idempotency_key: 'logged-key', cast_at: at })
        .execute();
      expect(await store.migrate('0007-vote-keys')).toEqual(['0007-vote-keys']);
      expect(await store.db.selectFrom('vote_keys').select(['member_id', 'idempotency_key', 'statement_id', 'value']).execute()).toEqual([
        { member_id: m.id, idempotency_key: 'logged-key', statement_id: s, value: 1 },
      ]);
      const request: VoteRequest = { orgId: org.id, statementId: s, memberId: m.id, seesAllStatements: false, value: -1, idempotencyKey: 'logged-key', at };
      expect(await store.voteWriter.cast(request)).toEqual({ value: 1, changed: false, issueId: issue.id });
      expect(await votes.castVote(store.db, { ...request, issueId: issue.id })).toEqual({ value: 1, changed: false, issueId: issue.id });
      await expect(store.voteWriter.cast({ ...request, statementId: rows[1]!.id })).rejects.toThrow(/another statement/);
      expect((await votes.currentVotesOfIssue(store.db, org.id, issue.id)).map((v) => v.value)).toEqual([1]);
      expect((await votes.voteLogOfIssue(store.db, org.id, issue.id)).map((v) => v.value)).toEqual([1]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
