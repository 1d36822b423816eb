/**
 * Live updates (GET /api/orgs/{orgId}/live), on every dialect, through real HTTP streams: a
 * member's stream is told of statements (never of one awaiting moderation), of an issue's votes
 * (coalesced: one count for many votes), of analyses, of phase changes and of a published line;
 * an organiser's stream also of statements awaiting moderation; another organisation's stream of
 * none of it. On PostgreSQL, a second context and app on the same database stand for a second
 * process: a change made through one reaches a stream of the other, and a stream is told to load
 * again after its process lost its LISTEN connection. Closing the app ends its open streams.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createContext, loadConfig, type AppContext } from '../../src/server/index.js';
import type { LiveEvent } from '../../src/contract/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';
import { joinAsMember, plainHasher, signUp, type Client, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

const WAIT_MS = 15_000;

/** One SSE stream read as the browser would: its events, in order. */
class Stream {
  readonly events: LiveEvent[] = [];
  /** The `id:` of each event. */
  readonly ids: (string | undefined)[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  raw = '';
  ended = false;
  private buffer = '';
  private readonly request: http.ClientRequest;
  private readonly watchers = new Set<() => void>();

  constructor(base: string, path: string, client: Client) {
    this.request = http.get(`${base}${path}`, { headers: { accept: 'text/event-stream', cookie: `massline_session=${client.cookie}` } }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.take(chunk));
      res.on('end', () => this.finish());
      res.on('close', () => this.finish());
    });
    this.request.on('error', () => this.finish());
  }

  private finish() {
    this.ended = true;
    this.notify();
  }

  private notify() {
    for (const w of this.watchers) w();
  }

  private take(chunk: string) {
    this.raw += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      const data = fields.get('data');
      if (data === undefined) continue;
      const event = JSON.parse(data) as LiveEvent;
      expect(fields.get('event')).toBe(event.type);
      this.events.push(event);
      this.ids.push(fields.get('id'));
    }
    this.notify();
  }

  /** The first event (from `from` on) that matches, waiting for it. */
  async next(match: (e: LiveEvent) => boolean, what: string, from = 0): Promise<LiveEvent> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const found = this.events.slice(from).find(match);
        if (found) {
          done();
          resolve(found);
        } else if (this.ended) {
          done();
          reject(new Error(`the stream ended before ${what}; it had: ${JSON.stringify(this.events)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${WAIT_MS} ms; the stream had: ${JSON.stringify(this.events)}`));
      }, WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(look);
      };
      this.watchers.add(look);
      look();
    });
  }

  ready = () => this.next((e) => e.type === 'ready', 'ready event');

  async ends(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the stream did not end')), WAIT_MS);
      this.watchers.add(() => {
        if (this.ended) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  close() {
    this.request.destroy();
  }
}

interface Process {
  ctx: AppContext;
  app: FastifyInstance;
  base: string;
}

async function startProcess(database: TestDatabase): Promise<Process> {
  const config = loadConfig(
    {},
    { dataDir: database.dataDir, databaseUrl: database.databaseUrl, logLevel: 'silent', analysisDebounceMs: 3_600_000, rateLimits: 'off' },
  );
  // Vote totals are published at once, then at most once an hour per issue: the rest waits for flushVotes().
  const ctx = await createContext(config, {
    passwords: plainHasher,
    analysisMode: 'inline',
    liveVotesIntervalMs: 3_600_000,
    onJobError: (e) => {
      throw e;
    },
  });
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { ctx, app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

const statementOf = (id: string) => (e: LiveEvent) => e.type === 'statement' && e.statementId === id;

describe.each(dialects)('live updates on %s', (dialect) => {
  let database: TestDatabase;
  let one: Process;
  let a: Org;
  let b: Org;
  let member: Client;
  let organiser: Client;
  let memberOfB: Client;
  let issueId: string;
  const streams: Stream[] = [];
  const open = (p: Process, org: Org, client: Client) => {
    const s = new Stream(p.base, pathOf(routeTable.live, { orgId: org.orgId }), client);
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    database = await freshDatabase(dialect);
    one = await startProcess(database);
    a = await signUp(one.app);
    b = await signUp(one.app);
    member = (await joinAsMember(one.app, a)).client;
    organiser = (await joinAsMember(one.app, a, 'organiser')).client;
    memberOfB = (await joinAsMember(one.app, b)).client;
    const issue = await a.admin.post(pathOf(routeTable.createIssue, { orgId: a.orgId }), { title: 'Rent', description: 'What do we demand?' });
    expect(issue.statusCode).toBe(201);
    issueId = issue.json().id;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await one?.app.close();
    await one?.ctx.close();
    await database?.drop();
  });

  it('refuses a stream without a session (401) and answers HEAD without one', async () => {
    const res = await one.app.inject({ method: 'GET', url: pathOf(routeTable.live, { orgId: a.orgId }) });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/^session: /);
    const head = await one.app.inject({
      method: 'HEAD',
      url: pathOf(routeTable.live, { orgId: a.orgId }),
      headers: { cookie: `massline_session=${member.cookie}` },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
  });

  it("tells each stream its organisation's changes, as far as its reader may see them", async () => {
    const m = open(one, a, member);
    const o = open(one, a, organiser);
    const other = open(one, b, memberOfB);
    await Promise.all([m.ready(), o.ready(), other.ready()]);
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(m.headers['cache-control']).toMatch(/no-cache/);
    expect(m.raw).toMatch(/^retry: \d+\n\n/);
    expect(m.ids[0]).toMatch(/^\d+$/);

    // A statement of the organisers: shown at once, so everyone is told.
    const seed = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId }), { text: 'Freeze the rent' })).json().id as string;
    const heating = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId }), { text: 'Fix the heating first' })).json()
      .id as string;
    for (const s of [m, o])
      expect(await s.next(statementOf(heating), 'the added statement')).toEqual({ type: 'statement', issueId, statementId: heating, change: 'added' });

    // A member's statement awaits moderation (strict): only the organisers hear of it, until it is accepted.
    const pending = (await member.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId }), { text: 'Withhold the rent now' })).json().id as string;
    expect(await o.next(statementOf(pending), 'the statement awaiting moderation')).toMatchObject({ change: 'added' });
    expect((await a.admin.patch(pathOf(routeTable.moderate, { orgId: a.orgId, statementId: pending }), { status: 'accepted' })).statusCode).toBe(200);
    expect(await m.next(statementOf(pending), 'the accepted statement')).toMatchObject({ change: 'moderated' });
    expect(m.events.filter((e) => e.type === 'statement' && e.statementId === pending).map((e) => e.type === 'statement' && e.change)).toEqual(['moderated']);

    // Rejected: the members are told their list changed, without the id of what they may no longer see.
    const offTopic = (await member.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId }), { text: 'Something off topic' })).json().id as string;
    await a.admin.patch(pathOf(routeTable.moderate, { orgId: a.orgId, statementId: offTopic }), { status: 'rejected' });
    await o.next((e) => statementOf(offTopic)(e) && e.type === 'statement' && e.change === 'moderated', 'the rejection');
    // Rejected without ever being shown: nothing for the members.
    expect(JSON.stringify(m.events)).not.toContain(offTopic);

    // A duplicate merged into another statement.
    const duplicate = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId }), { text: 'Freeze the rents now' })).json()
      .id as string;
    expect((await a.admin.post(pathOf(routeTable.merge, { orgId: a.orgId, statementId: duplicate }), { into: seed })).statusCode).toBe(200);
    expect(await m.next((e) => e.type === 'statement' && e.change === 'merged', 'the merge')).toEqual({
      type: 'statement',
      issueId,
      statementId: seed,
      change: 'merged',
    });

    // Votes: counted once at the first, then once for all that followed (flushVotes stands for the interval's end).
    const from = m.events.length;
    const voters = [member, organiser, a.admin];
    for (const v of voters)
      for (const s of [seed, heating]) expect((await v.put(pathOf(routeTable.vote, { orgId: a.orgId, statementId: s }), { vote: 1 })).statusCode).toBe(200);
    // An unchanged vote changes nothing.
    await member.put(pathOf(routeTable.vote, { orgId: a.orgId, statementId: seed }), { vote: 1 });
    await one.ctx.live.flushVotes();
    const totals = await m.next((e) => e.type === 'votes' && e.votes === 6, 'the votes event with every vote', from);
    expect(totals).toEqual({ type: 'votes', issueId, votes: 6, votesCast: 6, participants: 3 });
    const counted = m.events.slice(from).filter((e) => e.type === 'votes');
    expect(counted.length).toBeGreaterThanOrEqual(1);
    expect(counted.length).toBeLessThanOrEqual(2);
    const detail = (await member.get(pathOf(routeTable.issue, { orgId: a.orgId, issueId }))).json();
    expect({ votes: detail.votes, votesCast: detail.votesCast, participants: detail.participants }).toEqual({ votes: 6, votesCast: 6, participants: 3 });

    // The cycle moves on: a phase; an analysis is stored; a line is published (and the phase moves again).
    expect((await a.admin.post(pathOf(routeTable.advanceCycle, { orgId: a.orgId, issueId }), {})).statusCode).toBe(200);
    expect(await m.next((e) => e.type === 'phase', 'the phase change')).toEqual({
      type: 'phase',
      issueId,
      cycleNumber: 1,
      phase: 'concentrate',
      previousPhase: 'gather',
    });
    const analysisId = await one.ctx.jobs.analyses.analyzeNow(a.orgId, issueId);
    expect(analysisId).not.toBeNull();
    expect(await m.next((e) => e.type === 'analysis' && e.analysisId === analysisId, 'the analysis')).toMatchObject({ type: 'analysis', issueId, analysisId });
    const draft = await a.admin.post(pathOf(routeTable.createDraft, { orgId: a.orgId, issueId }), {
      claims: [{ text: 'Freeze the rent, then fix the heating', cites: [{ kind: 'statement', ref: seed }] }],
    });
    expect(draft.statusCode).toBe(201);
    expect((await a.admin.post(pathOf(routeTable.publish, { orgId: a.orgId, versionId: draft.json().id }))).statusCode).toBe(200);
    expect(await m.next((e) => e.type === 'line', 'the published line')).toEqual({ type: 'line', issueId, versionId: draft.json().id, number: 1 });
    expect(await m.next((e) => e.type === 'phase' && e.phase === 'propagate', 'the phase after publication')).toEqual({
      type: 'phase',
      issueId,
      cycleNumber: 1,
      phase: 'propagate',
      previousPhase: 'concentrate',
    });

    // The issue is resolved into a successor: the lists hear of both.
    const resolved = await a.admin.post(pathOf(routeTable.resolve, { orgId: a.orgId, issueId }), { successors: [{ title: 'After the rent freeze' }] });
    expect(resolved.statusCode).toBe(200);
    const successor = resolved.json().successors[0] as string;
    expect(await m.next((e) => e.type === 'issue' && e.issueId === issueId, 'the resolved issue')).toEqual({ type: 'issue', issueId, change: 'resolved' });
    expect(await m.next((e) => e.type === 'issue' && e.issueId === successor, 'its successor')).toEqual({
      type: 'issue',
      issueId: successor,
      change: 'opened',
    });

    // The member never heard of the statement before it was accepted, nor of the rejected one.
    expect(m.events.some((e) => e.type === 'statement' && e.statementId === pending && e.change === 'added')).toBe(false);
    expect(JSON.stringify(m.events)).not.toContain(offTopic);
    // Organisation B heard nothing of it: a change of its own comes first on its stream.
    const ownIssue = (await b.admin.post(pathOf(routeTable.createIssue, { orgId: b.orgId }), { title: 'Pay' })).json().id as string;
    const bStatement = (await b.admin.post(pathOf(routeTable.submitStatement, { orgId: b.orgId, issueId: ownIssue }), { text: 'A raise for all' })).json()
      .id as string;
    await other.next(statementOf(bStatement), "organisation B's own statement");
    expect(other.events.map((e) => e.type)).toEqual(['ready', 'issue', 'statement']);
    expect(other.events[1]).toEqual({ type: 'issue', issueId: ownIssue, change: 'opened' });
    expect(JSON.stringify(m.events)).not.toContain(bStatement);
  });

  it('holds at most 16 streams of one member open at once (429 beyond, naming the rule)', async () => {
    const someone = (await joinAsMember(one.app, a)).client;
    const held = Array.from({ length: 16 }, () => open(one, a, someone));
    await Promise.all(held.map((s) => s.ready()));
    const refused = await one.app.inject({
      method: 'GET',
      url: pathOf(routeTable.live, { orgId: a.orgId }),
      headers: { cookie: `massline_session=${someone.cookie}` },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/json/);
    expect(refused.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(/^live: at most 16 /) });
    held[0]!.close();
    // Its place is free once the server has seen it go.
    await expect
      .poll(
        async () => {
          const again = open(one, a, someone);
          try {
            await again.next((e) => e.type === 'ready', 'ready');
            return 'opened';
          } catch {
            again.close();
            return 'refused';
          }
        },
        { timeout: WAIT_MS },
      )
      .toBe('opened');
    for (const s of held) s.close();
  });

  it('ends open streams when the app closes', async () => {
    const extra = await buildApp(one.ctx);
    await extra.listen({ port: 0, host: '127.0.0.1' });
    const s = new Stream(`http://127.0.0.1:${(extra.server.address() as AddressInfo).port}`, pathOf(routeTable.live, { orgId: a.orgId }), member);
    await s.ready();
    const closed = extra.close().then(() => 'closed');
    const waited = new Promise((resolve) => setTimeout(() => resolve('still open'), WAIT_MS));
    expect(await Promise.race([closed, waited])).toBe('closed');
    await s.ends();
  });

  it.runIf(dialect === 'postgres')('carries changes between two processes on one database', async () => {
    const two = await startProcess(database);
    try {
      const there = new Stream(two.base, pathOf(routeTable.live, { orgId: a.orgId }), member);
      streams.push(there);
      await there.ready();
      const issue = (await a.admin.post(pathOf(routeTable.createIssue, { orgId: a.orgId }), { title: 'Meetings' })).json().id as string;
      // A statement and a vote sent to process one; an analysis stored by it.
      const s = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: issue }), { text: 'Meet on Thursdays' })).json().id as string;
      expect(await there.next(statementOf(s), 'the statement made through the other process')).toMatchObject({ change: 'added' });
      expect((await member.put(pathOf(routeTable.vote, { orgId: a.orgId, statementId: s }), { vote: 1 })).statusCode).toBe(200);
      await one.ctx.live.flushVotes();
      expect(await there.next((e) => e.type === 'votes' && e.issueId === issue && e.votes === 1, 'the votes')).toEqual({
        type: 'votes',
        issueId: issue,
        votes: 1,
        votesCast: 1,
        participants: 1,
      });
      const analysisId = await one.ctx.jobs.analyses.analyzeNow(a.orgId, issue);
      expect(await there.next((e) => e.type === 'analysis' && e.issueId === issue, 'the analysis')).toMatchObject({ analysisId });
      // Each process hears each change once, its own included.
      const here = new Stream(one.base, pathOf(routeTable.live, { orgId: a.orgId }), member);
      streams.push(here);
      await here.ready();
      const again = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: issue }), { text: 'Meet on Fridays' })).json()
        .id as string;
      await Promise.all([here.next(statementOf(again), 'the statement, here'), there.next(statementOf(again), 'the statement, there')]);
      const marker = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: issue }), { text: 'Meet on Mondays' })).json()
        .id as string;
      await Promise.all([here.next(statementOf(marker), 'the marker, here'), there.next(statementOf(marker), 'the marker, there')]);
      expect(here.events.filter(statementOf(again))).toHaveLength(1);
      expect(there.events.filter(statementOf(again))).toHaveLength(1);

      // Process two loses its LISTEN connection: it listens again, and its streams are told to load again.
      const admin = new pg.Client({ connectionString: database.databaseUrl });
      await admin.connect();
      try {
        const killed = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'massline live updates'",
        );
        expect(killed.rowCount).toBe(2);
      } finally {
        await admin.end();
      }
      await there.next((e) => e.type === 'resync', 'resync after the lost connection');
      await here.next((e) => e.type === 'resync', 'resync after the lost connection');
      const after = (await a.admin.post(pathOf(routeTable.submitStatement, { orgId: a.orgId, issueId: issue }), { text: 'Meet on Sundays' })).json()
        .id as string;
      await there.next(statementOf(after), 'a statement after the reconnection');
    } finally {
      await two.app.close();
      await two.ctx.close();
    }
  });
});
