/**
 * Nothing a member or an organiser can read moves when a criticism is sent (issue 15, acceptance
 * 1), on every dialect: every GET route of the policy table a member, an organiser or an admin
 * may call (and the public and anonymous ones), read by each of them before and after tokens are
 * issued and criticism is sent, answers byte for byte the same, and the live stream says nothing,
 * until the batch is published; then the criticism list moves, all at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { routePolicies } from '../../src/server/policies.js';
import type { LiveMessage } from '../../src/contract/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness } from '../_util/app.js';
import { criticise, fetchTokens } from '../_util/criticism.js';
import { byRouteKey, pathOf, routeKey, routeTable } from '../_util/routes.js';

/** The live stream is an open response: its messages are read from the hub every stream is fed by. */
const LIVE = routeKey('live');
/** Static files of the pages: nothing of an organisation in them. */
const PAGES = new Set(['GET /assets/*', 'GET /*']);
/** Routes that take a query, and one that is valid. */
const QUERIES: Record<string, string> = byRouteKey({ similar: '?text=rent', whatIf: '?everyWeeks=2&members=40' });

describe.each(dialects)('counts of criticism as of publication on %s', (dialect) => {
  let h: Harness;
  // A Wednesday morning; batches are published daily at 18:00 UTC. The clock stands still while
  // criticism is sent, so that anything that moves moved because of it.
  let now = Date.parse('2026-11-25T09:00:00Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => new Date(now) });
  });
  afterAll(async () => h?.close());

  it('answers every read byte for byte the same before and after criticism is sent, until its batch is published', async () => {
    const org = await signUp(h.app);
    const { orgId } = org;
    const ok = async (p: Promise<LightMyRequestResponse>, status: number) => {
      const r = await p;
      if (r.statusCode !== status) throw new Error(`fixture: expected ${status}, got ${r.statusCode} ${r.body}`);
      return r.body ? r.json() : null;
    };
    const organiser = await joinAsMember(h.app, org, 'organiser');
    const member = await joinAsMember(h.app, org);
    const author = await joinAsMember(h.app, org);
    const issuer = await joinAsMember(h.app, org);

    // An issue through the cycle: statements and votes, an analysis, a published line, an action and a report.
    const issueId = (await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Rent', description: 'What do we demand?' }), 201))
      .id as string;
    const freeze = (await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId, issueId }), { text: 'Freeze the rent' }), 201)).id as string;
    const heating = (await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId, issueId }), { text: 'Fix the heating first' }), 201)).id as string;
    for (const [i, voter] of [member.client, organiser.client, author.client, issuer.client].entries()) {
      await ok(voter.put(pathOf(routeTable.vote, { orgId, statementId: freeze }), { vote: 1 }), 200);
      await ok(voter.put(pathOf(routeTable.vote, { orgId, statementId: heating }), { vote: i % 2 ? -1 : 1 }), 200);
    }
    await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId, issueId }), {}), 200);
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issueId);
    const draft = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId, issueId }), {
        claims: [{ text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: freeze }] }],
      }),
      201,
    );
    const published = await ok(org.admin.post(pathOf(routeTable.publish, { orgId, versionId: draft.id })), 200);
    await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId, issueId }), {}), 200);
    const actionId = (await ok(org.admin.post(pathOf(routeTable.createAction, { orgId, issueId }), { title: 'Ballot every block' }), 201)).id as string;
    await ok(
      member.client.post(pathOf(routeTable.fileReport, { orgId, issueId }), {
        actionId,
        claimId: published.claims[0].id,
        verdict: 'confirms',
        whatDone: 'We balloted every block',
        whatHappened: 'The boilers were fixed',
      }),
      201,
    );

    // The author's tokens, fetched before anything is read (their own quota is theirs to see).
    const tokens = await fetchTokens(author.client, org.orgId, 5);

    const invite = await ok(org.admin.post(pathOf(routeTable.createInvite, { orgId }), { maxUses: 10 }), 201);
    const params: Record<string, string> = { orgId, issueId, versionId: draft.id, token: invite.token };
    const rank = { public: 0, anonymous: 0, member: 1, organiser: 2, admin: 3 } as const;
    const routes = Object.entries(routePolicies)
      .filter(([route]) => route.startsWith('GET ') && route !== LIVE && !PAGES.has(route) && !route.includes(':criticismId'))
      .map(([route, p]) => ({ route, rank: rank[p.who] }));
    expect(routes.length).toBeGreaterThan(25);
    const readers: [string, Client, number][] = [
      ['member', member.client, rank.member],
      ['author', author.client, rank.member],
      ['organiser', organiser.client, rank.organiser],
      ['admin', org.admin, rank.admin],
    ];
    async function readEverything(): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const [who, client, may] of readers) {
        for (const { route } of routes.filter((r) => r.rank <= may)) {
          const path = route.slice(4).replace(/:(\w+)/g, (_, name: string) => {
            const value = params[name];
            if (!value) throw new Error(`${route}: no value for :${name}`);
            return value;
          });
          const res = await client.get(`${path}${QUERIES[route] ?? ''}`);
          out.set(`${who} ${route}`, `${res.statusCode} ${res.body}`);
        }
      }
      return out;
    }

    // The fixture's own vote totals go out first: from here on the stream must stay silent.
    await h.ctx.live.flushVotes();
    const live: LiveMessage[] = [];
    const unsubscribe = h.ctx.live.subscribe(org.orgId, { change: (m) => live.push(m), resync: () => live.push({ resync: true } as unknown as LiveMessage) });
    try {
      const before = await readEverything();
      // Every read answered: a route refused or failing would compare nothing.
      for (const [key, answer] of before) expect(answer.slice(0, 3), `${key}: ${answer.slice(0, 300)}`).toBe('200');
      expect(await readEverything(), 'reads that move on their own').toEqual(before);

      // Another member is issued tokens; criticism is sent about the leadership, the issue and the line.
      await fetchTokens(issuer.client, org.orgId, 5);
      const sent = [
        await criticise(h.app, org.orgId, tokens[0]!, 'The leadership set the rent demand before the tenants of block C were heard.'),
        await criticise(h.app, org.orgId, tokens[1]!, 'This issue was moved on before the night shift could vote.', { kind: 'issue', issueId }),
        await criticise(h.app, org.orgId, tokens[2]!, 'The line cites one statement and ignores the heating.', {
          kind: 'line-version',
          lineVersionId: draft.id,
        }),
      ];
      for (const s of sent) expect(s.statusCode, s.body).toBe(201);
      await h.ctx.live.flushVotes();

      const after = await readEverything();
      for (const [key, answer] of before) expect(after.get(key), `${key} moved when criticism was sent`).toBe(answer);
      // The stream may repeat the fixture's vote totals (they are counted on a timer); nothing else, and nothing new.
      for (const m of live) expect(m.members ?? m.organisers, JSON.stringify(m)).toMatchObject({ type: 'votes', issueId, votesCast: 8 });

      // The next day at 18:00 the batch is published: the list moves, all at once.
      now = Date.parse('2026-11-26T18:00:00Z');
      const list = (await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
      expect(list.criticisms).toHaveLength(3);
      expect(list.pending).toBe(0);
      expect(list.countsAsOf).toBe('2026-11-26T18:00:00.000Z');
      expect(list.epochs).toEqual([{ epoch: '2026-W48', tokensIssued: 10, membersIssued: 2, tokensSpent: 3, ceiling: 5 * 5 }]);
      const beforeList = JSON.parse(before.get(`member ${routeKey('criticisms')}`)!.slice(4));
      expect(beforeList).toMatchObject({ pending: 0, countsAsOf: '2026-11-24T18:00:00.000Z', criticisms: [] });
      expect(beforeList.epochs).toEqual([{ epoch: '2026-W48', tokensIssued: 5, membersIssued: 1, tokensSpent: 0, ceiling: 5 * 5 }]);
    } finally {
      unsubscribe();
    }
  });

  it('shows what waits only from the publication after it was sent', async () => {
    now = Date.parse('2026-12-02T09:00:00Z');
    const org = await signUp(h.app);
    const { orgId } = org;
    const member = await joinAsMember(h.app, org);
    const tokens = await fetchTokens(member.client, org.orgId, 2);
    const first = (await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
    expect(first).toMatchObject({ pending: 0, countsAsOf: '2026-12-01T18:00:00.000Z' });
    // Sent in the evening after the day's publication (taken when the hour came: by the timer, here
    // by a read): not counted before the next one, and published by it.
    now = Date.parse('2026-12-02T18:00:00Z');
    expect((await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json()).toMatchObject({ pending: 0, countsAsOf: '2026-12-02T18:00:00.000Z' });
    now = Date.parse('2026-12-02T19:00:00Z');
    expect((await criticise(h.app, org.orgId, tokens[0]!, 'Written after the publication of the day.')).statusCode).toBe(201);
    expect((await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json()).toMatchObject({
      pending: 0,
      countsAsOf: '2026-12-02T18:00:00.000Z',
      criticisms: [],
    });
    now = Date.parse('2026-12-03T18:00:00Z');
    expect((await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json()).toMatchObject({ pending: 0, countsAsOf: '2026-12-03T18:00:00.000Z' });
    expect((await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json().criticisms).toHaveLength(1);
    // Written the day of a publication, before its hour: waiting at that publication, published at the next.
    now = Date.parse('2026-12-04T10:00:00Z');
    expect((await criticise(h.app, org.orgId, tokens[1]!, 'Written in the morning of a publication day.')).statusCode).toBe(201);
    now = Date.parse('2026-12-04T18:30:00Z');
    expect((await member.client.get(pathOf(routeTable.criticisms, { orgId }))).json()).toMatchObject({ pending: 1, countsAsOf: '2026-12-04T18:00:00.000Z' });
  });
});
