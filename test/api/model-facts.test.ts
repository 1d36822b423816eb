/**
 * The model's facts kept up to date (store/model-facts.ts) against the oracle, on every dialect:
 * after each kind of write, the facts a context hands out equal the rebuild from the event log
 * and the reading of the tables, exactly and in the same order; across a restart (a new context
 * on the same database) and with two contexts on one database (two API processes) writing in turn.
 * Unchanged kinds of facts are the very arrays handed out before: they were kept, not re-read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, createContext, type AppContext } from '../../src/server/index.js';
import { loadModelFacts, loadModelFactsFromEvents } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, plainHasher, signUp, startHarness, type Harness } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

const DAY = 86_400_000;

describe.each(dialects)('the model facts kept up to date on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-04-01T09:00:00Z');
  const clock = () => new Date(now);
  const tick = (days: number) => (now += days * DAY);
  /** A second API process on the same database. */
  let other: { ctx: AppContext; app: FastifyInstance };
  beforeAll(async () => {
    h = await startHarness(dialect, { clock, analysisDebounceMs: 3_600_000, env: { MASSLINE_SESSION_DAYS: '365' } });
    const ctx = await createContext(h.ctx.config, {
      passwords: plainHasher,
      clock,
      onJobError: (e) => {
        throw e;
      },
    });
    other = { ctx, app: await buildApp(ctx) };
  });
  afterAll(async () => {
    await other?.app.close();
    await other?.ctx.close();
    await h?.close();
  });

  /** The same member's session on the other process. */
  const there = (c: Client) => {
    const copy = new Client(other.app);
    copy.cookie = c.cookie;
    copy.csrf = c.csrf;
    return copy;
  };

  it('equal the rebuild from the log and the tables after every kind of write, across a restart and two processes', async () => {
    const org = await signUp(h.app);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(status);
      return r.body ? r.json() : null;
    };
    const db = h.ctx.store.db;
    let checks = 0;
    /** Both processes' facts equal the oracle's. */
    const same = async (write: string) => {
      const fromEvents = await loadModelFactsFromEvents(db, org.orgId);
      const fromTables = await loadModelFacts(db, org.orgId);
      expect(fromEvents, `${write}: the rebuild from the log`).toEqual(fromTables);
      for (const ctx of [h.ctx, other.ctx]) {
        const kept1 = await ctx.facts.of(org.orgId);
        expect(kept1, `${write}: the facts kept`).toEqual(fromTables);
        // Asked again with nothing written: the same facts, not read again.
        const again = await ctx.facts.of(org.orgId);
        for (const kind of Object.keys(kept1) as (keyof typeof kept1)[]) expect(again[kind], `${write}: ${kind} kept`).toBe(kept1[kind]);
      }
      checks++;
      return fromTables;
    };
    /** The kinds of facts a write leaves as they were are the arrays handed out before it. */
    const keeps = async (write: string, kinds: (keyof Awaited<ReturnType<typeof loadModelFacts>>)[], work: () => Promise<unknown>) => {
      const before = await h.ctx.facts.of(org.orgId);
      await work();
      const after = await h.ctx.facts.of(org.orgId);
      for (const kind of kinds) expect(after[kind], `${write}: ${kind} kept`).toBe(before[kind]);
      await same(write);
    };

    await same('the organisation founded');
    const issue = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent demands' }), 201);
    await same('issue opened');
    const organiser = await joinAsMember(h.app, org, 'organiser');
    const members: { client: Client; memberId: string }[] = [];
    for (let i = 0; i < 4; i++) members.push(await joinAsMember(h.app, org));
    const [m0, m1, m2, m3] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0], (typeof members)[0]];
    await same('members joined');

    const statements: string[] = [];
    for (const text of ['Freeze the rent for two years', 'Repairs before any increase', 'A tenants committee in every block', 'Freeze the rents for 2 years']) {
      statements.push((await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text }), 201)).id);
    }
    const [s0, s1, s2, duplicate] = statements as [string, string, string, string];
    await same('statements written');
    const vote = (who: Client, statementId: string, value: -1 | 0 | 1) =>
      ok(who.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId }), { vote: value }));

    await keeps('a vote', ['members', 'issues', 'reports', 'lines', 'endorsements', 'analyses', 'blocks', 'importance'], () => vote(m0.client, s0, 1));
    tick(1);
    await keeps('a changed vote', ['members', 'issues'], () => vote(m0.client, s0, -1));
    // The other process votes, this one writes a statement, in turn.
    await vote(there(m1.client), s0, 1);
    await same('a vote on the other process');
    await ok(m2.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text: 'Rent strike if no answer in a month' }), 201);
    await same('a member writes a statement');
    await vote(there(m2.client), duplicate, 1);
    await vote(m1.client, s1, 1);
    await vote(there(m3.client), s2, -1);
    await same('votes on both processes');

    const mine = (
      await ok(
        m3.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text: 'Ask the council to inspect every block' }),
        201,
      )
    ).id as string;
    await keeps('a statement moderated', ['acts', 'members'], () =>
      ok(organiser.client.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: mine }), { status: 'rejected' })),
    );

    // The analysis stored, the cycle advanced, a line published.
    await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId: issue.id }), {}));
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    await keeps('an analysis stored', ['acts', 'members', 'lines'], async () => undefined);
    tick(1);
    const draft = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), {
        claims: [{ text: 'We demand a rent freeze', cites: [{ kind: 'statement', ref: s0 }] }],
      }),
      201,
    );
    await keeps('a line published', ['members', 'issues', 'analyses'], () =>
      ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: draft.id }), {})),
    );
    const version = (await h.ctx.facts.of(org.orgId)).lines[0]!;
    const claimId = version.claims[0]!.id;

    await keeps('an answer', ['members', 'lines', 'analyses'], () =>
      ok(m3.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: version.id }), { kind: 'embrace' })),
    );
    tick(2);
    await keeps('a changed answer', ['members', 'lines'], () =>
      ok(there(m3.client).put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: version.id }), { kind: 'critique', text: 'Not far enough' })),
    );
    await keeps('a report', ['members', 'acts', 'endorsements'], () =>
      ok(
        m1.client.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId: issue.id }), {
          claimId,
          verdict: 'refutes',
          whatDone: 'Withheld the rent',
          whatHappened: 'The landlord evicted two of us',
        }),
        201,
      ),
    );
    await ok(
      there(organiser.client).post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId: issue.id }), {
        claimId,
        verdict: 'confirms',
        whatDone: 'Asked around',
        whatHappened: 'Everyone agreed',
      }),
      201,
    );
    await same('a report on the other process');

    tick(1);
    await keeps('a merge', ['members', 'lines', 'endorsements'], () =>
      ok(organiser.client.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: duplicate }), { into: s2 })),
    );

    const action = await ok(
      org.admin.post(pathOf(routeTable.createAction, { orgId: org.orgId, issueId: issue.id }), { title: 'Deliver the demand to the landlord' }),
      201,
    );
    await keeps('an action joined', ['members', 'reports'], () => ok(m3.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id }))));
    await keeps('an action left', ['members', 'reports'], () =>
      ok(there(m3.client).delete(pathOf(routeTable.leaveAction, { orgId: org.orgId, actionId: action.id }))),
    );
    await ok(m2.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id })));
    await same('an action joined again by another');

    const second = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Repairs' }), 201);
    await keeps('an issue marked important', ['members', 'acts', 'issues'], () =>
      ok(m0.client.put(pathOf(routeTable.markImportant, { orgId: org.orgId, issueId: second.id })), 204),
    );
    await keeps('the mark taken back', ['members', 'acts'], () =>
      ok(there(m0.client).delete(pathOf(routeTable.unmarkImportant, { orgId: org.orgId, issueId: second.id })), 204),
    );
    await ok(m1.client.put(pathOf(routeTable.markImportant, { orgId: org.orgId, issueId: second.id })), 204);
    await keeps('a block', ['members', 'acts', 'importance'], () =>
      ok(org.admin.post(pathOf(routeTable.markBlocks, { orgId: org.orgId, issueId: issue.id }), { blocks: second.id }), 204),
    );
    await keeps('a block taken back', ['members', 'acts'], () =>
      ok(there(org.admin).delete(pathOf(routeTable.unmarkBlocks, { orgId: org.orgId, issueId: issue.id, blockedId: second.id })), 204),
    );

    tick(1);
    await keeps('a change of role', ['acts', 'issues'], () =>
      ok(org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m1.memberId }), { role: 'organiser' })),
    );
    await vote(m1.client, s2, 1);
    await ok(there(org.admin).patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m1.memberId }), { role: 'member' }));
    await same('a change of role back, on the other process');
    await keeps('a change of constituency', ['acts', 'issues'], () =>
      ok(org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m2.memberId }), { constituency: 'North depot' })),
    );
    await ok(there(org.admin).patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m2.memberId }), { constituency: null }));
    await same('a constituency taken away on the other process');
    const joined = await joinAsMember(other.app, org);
    await vote(joined.client, s0, 0);
    await same('a member joined through the other process');

    // A write dated before what was folded (a clock set back): the events are folded again in the log's order.
    const back = now;
    now -= 3 * DAY;
    await ok(m0.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text: 'Written three days ago by the clock' }), 201);
    await vote(m3.client, s1, 1);
    await same('writes dated before the last ones');
    now = back;

    await keeps('an issue resolved', ['acts', 'members'], () =>
      ok(there(org.admin).post(pathOf(routeTable.resolve, { orgId: org.orgId, issueId: issue.id }), { successors: [{ title: 'Rent demands, second round' }] })),
    );

    // A restart: a new context on the same database reads them whole and agrees.
    const restarted = await createContext(h.ctx.config, { passwords: plainHasher, clock });
    try {
      expect(await restarted.facts.of(org.orgId)).toEqual(await loadModelFactsFromEvents(db, org.orgId));
    } finally {
      await restarted.close();
    }
    expect(checks).toBeGreaterThan(30);
  });

  // Only PostgreSQL lets a later vote commit while an earlier one's transaction is open (SQLite has one writer).
  it.runIf(dialect === 'postgres')('misses no vote whose transaction commits after a later one', async () => {
    const org = await signUp(h.app);
    const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Night shifts' })).json();
    const statementId = (
      await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text: 'No more than four nights in a row' })
    ).json().id as string;
    const member = await joinAsMember(h.app, org);
    const memberId = (
      await h.ctx.store.db.selectFrom('members').select('id').where('org_id', '=', org.orgId).where('role', '=', 'admin').executeTakeFirstOrThrow()
    ).id;
    await h.ctx.facts.of(org.orgId);
    // A transaction takes the next seq and holds it while another vote takes a later one and commits.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const taken = new Promise<void>((r) => (inserted = r));
    const slow = h.ctx.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('vote_log')
        .values({
          org_id: org.orgId,
          issue_id: issue.id,
          statement_id: statementId,
          member_id: memberId,
          value: 1,
          idempotency_key: null,
          cast_at: new Date(now).toISOString(),
          carried_from: null,
        })
        .execute();
      inserted();
      await held;
    });
    await taken;
    expect((await member.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId }), { vote: -1 })).statusCode).toBe(200);
    const early = await h.ctx.facts.of(org.orgId);
    expect(early.acts.filter((a) => a.kind === 'vote')).toHaveLength(1);
    release();
    await slow;
    // The held vote's seq is below the one read: it is read all the same, by both processes.
    const fromTables = await loadModelFacts(h.ctx.store.db, org.orgId);
    expect(fromTables.acts.filter((a) => a.kind === 'vote')).toHaveLength(2);
    expect(await h.ctx.facts.of(org.orgId)).toEqual(fromTables);
    expect(await other.ctx.facts.of(org.orgId)).toEqual(fromTables);
  });
});
