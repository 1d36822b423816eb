/** The foundation's API, end to end through inject(), on every dialect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe.each(dialects)('API on %s', (dialect) => {
  let h: Harness;
  let now = new Date('2026-03-01T10:00:00.000Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => now });
  });
  afterAll(async () => h?.close());

  async function issueWithStatements(org: Org, texts: string[]) {
    const issue = await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent demands', description: 'What do we demand?' });
    expect(issue.statusCode).toBe(201);
    const ids: string[] = [];
    for (const text of texts) {
      const s = await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.json().id }), { text });
      expect(s.statusCode).toBe(201);
      ids.push(s.json().id);
    }
    return { issueId: issue.json().id as string, statementIds: ids };
  }

  it('signs up, logs out, logs in, and refuses a wrong password', async () => {
    const org = await signUp(h.app, `acme-${dialect}`);
    expect((await org.admin.get(pathOf(routeTable.me, {}))).json().member.role).toBe('admin');
    const taken = await new Client(h.app).post(pathOf(routeTable.signup, {}), {
      organisation: { name: 'Again', slug: `acme-${dialect}` },
      displayName: 'X',
      email: 'x@y.test',
      password: 'long enough pw',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().message).toContain('slug');
    expect((await org.admin.post(pathOf(routeTable.logout, {}))).statusCode).toBe(204);
    expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(401);
    const bad = await org.admin.post(pathOf(routeTable.login, {}), {
      organisation: `acme-${dialect}`,
      email: `admin@acme-${dialect}.test`,
      password: 'wrong password',
    });
    expect(bad.statusCode).toBe(401);
    const good = await org.admin.post(pathOf(routeTable.login, {}), {
      organisation: `acme-${dialect}`,
      email: `admin@acme-${dialect}.test`,
      password: 'correct horse battery',
    });
    expect(good.statusCode).toBe(200);
    expect((await org.admin.get(pathOf(routeTable.me, {}))).statusCode).toBe(200);
  });

  it('stores sessions and invite tokens only as hashes, with random ids', async () => {
    const org = await signUp(h.app);
    const inv = await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), {});
    const token = inv.json().token as string;
    const rows = await h.ctx.store.db.selectFrom('invites').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    const sessions = await h.ctx.store.db.selectFrom('sessions').select('id').execute();
    expect(sessions.some((s) => s.id === org.admin.cookie)).toBe(false);
    expect(org.orgId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('invites: single use, counted, expiring, revocable', async () => {
    const org = await signUp(h.app);
    const single = (await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { maxUses: 1 })).json();
    const preview = await new Client(h.app).get(pathOf(routeTable.invitePreview, { token: single.token }));
    expect(preview.json()).toMatchObject({ usable: true, role: 'member' });
    expect((await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: single.token }), { displayName: 'Ana' })).statusCode).toBe(201);
    const second = await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: single.token }), { displayName: 'Ben' });
    expect(second.statusCode).toBe(410);

    const counted = (
      await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { maxUses: 3, expiresInHours: 1, constituency: 'tenant' })
    ).json();
    for (let i = 0; i < 3; i++) {
      const joined = await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: counted.token }), { displayName: `M${i}` });
      expect(joined.statusCode).toBe(201);
      expect(joined.json().member.constituency).toBe('tenant');
    }
    expect((await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: counted.token }), { displayName: 'M4' })).statusCode).toBe(410);

    const expiring = (await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { maxUses: 5, expiresInHours: 1 })).json();
    const saved = now;
    now = new Date(now.getTime() + 2 * 3_600_000);
    expect((await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: expiring.token }), { displayName: 'Late' })).statusCode).toBe(410);
    now = saved;

    const revoked = (await org.admin.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { maxUses: 5 })).json();
    expect((await org.admin.delete(pathOf(routeTable.revokeInvite, { orgId: org.orgId, inviteId: revoked.id }))).statusCode).toBe(204);
    expect((await new Client(h.app).post(pathOf(routeTable.acceptInvite, { token: revoked.token }), { displayName: 'No' })).statusCode).toBe(410);

    const list = (await org.admin.get(pathOf(routeTable.invites, { orgId: org.orgId }))).json().invites;
    expect(list).toHaveLength(4);
    const members = (await org.admin.get(pathOf(routeTable.members, { orgId: org.orgId }))).json();
    expect(members.total).toBe(5); // admin + Ana + three counted
  });

  it('a member cannot invite organisers; an organiser cannot invite admins', async () => {
    const org = await signUp(h.app);
    const member = await joinAsMember(h.app, org);
    expect((await member.client.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), {})).statusCode).toBe(403);
    const organiser = await joinAsMember(h.app, org, 'organiser');
    expect((await organiser.client.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { role: 'admin' })).statusCode).toBe(403);
    expect((await organiser.client.post(pathOf(routeTable.createInvite, { orgId: org.orgId }), { role: 'member' })).statusCode).toBe(201);
  });

  it('statements wait for moderation under the strict policy and not under the permissive one', async () => {
    const org = await signUp(h.app);
    const { issueId } = await issueWithStatements(org, ['We demand a rent freeze']);
    const ana = await joinAsMember(h.app, org);
    const ben = await joinAsMember(h.app, org);
    const written = await ana.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Repairs before any increase' });
    expect(written.statusCode).toBe(201);
    expect(written.json().status).toBe('unmoderated');
    const benView = (await ben.client.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }))).json();
    expect(benView.statements.map((s: { text: string }) => s.text)).toEqual(['We demand a rent freeze']);
    const queue = (await org.admin.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }, { status: 'unmoderated' }))).json();
    expect(queue.statements).toHaveLength(1);
    expect(
      (await org.admin.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: written.json().id }), { status: 'accepted' })).json().status,
    ).toBe('accepted');
    expect((await ben.client.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }))).json().statements).toHaveLength(2);

    expect((await org.admin.patch(pathOf(routeTable.updateOrganisation, { orgId: org.orgId }), { moderation: 'permissive' })).json().moderation).toBe(
      'permissive',
    );
    await ana.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Tenants choose the contractor' });
    expect((await ben.client.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }))).json().statements).toHaveLength(3);
    // A member may not moderate or add seeds.
    expect((await ben.client.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: written.json().id }), { status: 'rejected' })).statusCode).toBe(
      403,
    );
    expect((await ben.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'A seed?', isSeed: true })).statusCode).toBe(403);
  });

  it('votes: cast, change, idempotent retries, log and current vote in step', async () => {
    const org = await signUp(h.app);
    const { issueId, statementIds } = await issueWithStatements(org, ['Freeze rents', 'Fix the heating', 'Strike if refused']);
    const ana = await joinAsMember(h.app, org);
    const url = (id: string) => pathOf(routeTable.vote, { orgId: org.orgId, statementId: id });
    expect((await ana.client.put(url(statementIds[0]!), { vote: 1 })).json()).toEqual({ statementId: statementIds[0], vote: 1, changed: true });
    expect((await ana.client.put(url(statementIds[0]!), { vote: 1 })).json().changed).toBe(false);
    expect((await ana.client.put(url(statementIds[0]!), { vote: -1 }, { 'idempotency-key': 'retry-key-1' })).json().changed).toBe(true);
    // The same key again: answered from the first write even though the body now says agree.
    const retry = await ana.client.put(url(statementIds[0]!), { vote: 1 }, { 'idempotency-key': 'retry-key-1' });
    expect(retry.json()).toMatchObject({ vote: -1, changed: false });
    await ana.client.put(url(statementIds[1]!), { vote: 0 });

    const log = await h.ctx.store.db.selectFrom('vote_log').select(['statement_id', 'value']).where('member_id', '=', ana.memberId).orderBy('seq').execute();
    expect(log.map((r) => [r.statement_id, Number(r.value)])).toEqual([
      [statementIds[0], 1],
      [statementIds[0], -1],
      [statementIds[1], 0],
    ]);
    const detail = (await ana.client.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId }))).json();
    const first = detail.statements.find((s: { id: string }) => s.id === statementIds[0]);
    expect(first).toMatchObject({ myVote: -1, votes: { agree: 0, disagree: 1, pass: 0 } });
    expect(detail.participants).toBe(1);
    expect(detail.votes).toBe(2);
  });

  it('next statement: unseen ones first, then none', async () => {
    const org = await signUp(h.app);
    const { issueId, statementIds } = await issueWithStatements(org, ['One', 'Two', 'Three']);
    const ana = await joinAsMember(h.app, org);
    const ben = await joinAsMember(h.app, org);
    // Ben votes on "One", so it has more votes: Ana is shown the least-voted statements first.
    await ben.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: statementIds[0]! }), { vote: 1 });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = (await ana.client.get(pathOf(routeTable.nextStatement, { orgId: org.orgId, issueId }))).json();
      expect(next.remaining).toBe(3 - i);
      seen.push(next.statement.id);
      await ana.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: next.statement.id }), { vote: 0 });
    }
    expect(seen[2]).toBe(statementIds[0]);
    expect(new Set(seen).size).toBe(3);
    expect((await ana.client.get(pathOf(routeTable.nextStatement, { orgId: org.orgId, issueId }))).json()).toEqual({ statement: null, remaining: 0 });
  });

  it('cycles: gather → concentrate is an event; concentrate → propagate only by publishing a line', async () => {
    const org = await signUp(h.app);
    const { issueId } = await issueWithStatements(org, []);
    const r = await org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId }), { note: 'enough gathered' });
    expect(r.statusCode).toBe(200);
    expect(r.json().cycle).toMatchObject({ number: 1, phase: 'concentrate' });
    const refused = await org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId }), {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('publish');
    const events = await h.ctx.store.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'data'])
      .where('issue_id', '=', issueId)
      .where('type', '=', 'cycle.advanced')
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ from: 'gather', to: 'concentrate', note: 'enough gathered' });
    const member = await joinAsMember(h.app, org);
    expect((await member.client.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId }), {})).statusCode).toBe(403);
  });

  it("another organisation's ids answer 404", async () => {
    const a = await signUp(h.app);
    const b = await signUp(h.app);
    const { issueId, statementIds } = await issueWithStatements(b, ['Theirs']);
    expect((await a.admin.get(pathOf(routeTable.organisation, { orgId: b.orgId }))).statusCode).toBe(404);
    expect((await a.admin.get(pathOf(routeTable.issue, { orgId: b.orgId, issueId }))).statusCode).toBe(404);
    expect((await a.admin.get(pathOf(routeTable.issue, { orgId: a.orgId, issueId }))).statusCode).toBe(404);
    expect((await a.admin.put(pathOf(routeTable.vote, { orgId: a.orgId, statementId: statementIds[0]! }), { vote: 1 })).statusCode).toBe(404);
    expect((await a.admin.patch(pathOf(routeTable.moderate, { orgId: a.orgId, statementId: statementIds[0]! }), { status: 'rejected' })).statusCode).toBe(404);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await new Client(h.app).get(pathOf(routeTable.openapi, {}))).json();
    expect(doc.openapi).toMatch(/^3\./);
    const vote = routeTable.vote.path.replace(/:(\w+)/g, '{$1}');
    expect(Object.keys(doc.paths)).toContain(vote);
    expect(doc.paths[vote].put.requestBody).toBeDefined();
  });
});
