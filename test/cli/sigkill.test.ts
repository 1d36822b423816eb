/**
 * A vote acknowledged with 2xx is in the database after the server is killed with SIGKILL and
 * restarted. The real built server (`bin/massline serve`) runs as a child process; members vote
 * concurrently over HTTP; the child is killed with SIGKILL at a random moment under load and
 * started again on the same data; then every acknowledged vote must be the member's current vote.
 *
 * Votes on one (member, statement) are never in flight together, as from one member's device: the
 * order of their acknowledgements is then the order of their commits, so "the last acknowledged
 * value" is well defined. A vote in flight when the server died was not acknowledged: it may or
 * may not have been written, so for its pair either value is accepted.
 *
 * Votes are written by group commit (src/store/vote-writer.ts): many in flight at once, so the
 * writer is always busy and each kill lands while a batch is queued or being committed. Besides
 * the current votes, every acknowledged vote that changed something must be in the log under its
 * idempotency key, and in-flight votes that committed anyway are counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';
import { HttpClient } from '../_util/http-client.js';
import { startMasslineServer, type MasslineServer } from '../_util/server-process.js';
import { pathOf, routeTable } from '../_util/routes.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/massline');
const run = promisify(execFile);

const MEMBERS = 40;
const STATEMENTS = 6;
const IN_FLIGHT = 32;
const ROUNDS = 10;

const children = new Set<ChildProcess>();

type Server = MasslineServer;

/** The environment of a child: the test database and nothing inherited that could point elsewhere. */
function envFor(db: TestDatabase): NodeJS.ProcessEnv {
  // The load is far beyond a person's pace (and 20 members join from one address): no request limits.
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_LOG_LEVEL: 'error', MASSLINE_RATE_LIMITS: 'off' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_PASSWORD']) delete env[k];
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  return env;
}

async function massline(db: TestDatabase, args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, [bin, ...args, '--data-dir', db.dataDir], { env: envFor(db), encoding: 'utf8' })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`massline ${args[0]} failed: ${err.stderr || err.message}`);
  }
}

function startServer(db: TestDatabase): Promise<Server> {
  return startMasslineServer(db.dataDir, envFor(db), children);
}

async function kill(server: Server): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  // Whatever happened, no server outlives the file.
  await Promise.all(
    [...children].map((c) => {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      return gone;
    }),
  );
});

describe.each(dialects)('SIGKILL under load, %s', (dialect) => {
  let db: TestDatabase;
  let server: Server;
  let orgId: string;
  let issueId: string;
  const statementIds: string[] = [];
  const members: { id: string; client: HttpClient }[] = [];
  /**
   * Per "member statement": the value it must hold (the last acknowledged one; after a restart, the one then found), whether
   * that came from an acknowledgement, and values sent but not acknowledged when the server died (either is then right).
   */
  const truth = new Map<string, { expected: number | null; acknowledged: boolean; unsure: Set<number> }>();
  let totalAcked = 0;
  let totalInFlight = 0;
  /** Acknowledged votes that changed the current vote: each must be in the log under its key. */
  const loggedAcks = new Map<string, { pair: string; value: number }>();

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `npx tsc -b` first');
    db = await freshDatabase(dialect);
    const slug = `union-${dialect}`;
    const email = `organiser@${slug}.test`;
    const password = 'a long test password';
    const org = JSON.parse(await massline(db, ['create-org', '--slug', slug, '--name', 'Tenants union', '--json'])) as { id: string };
    orgId = org.id;
    await massline(db, ['create-organiser', '--org', slug, '--email', email, '--password', password, '--json']);

    server = await startServer(db);
    const organiser = new HttpClient(() => server.url);
    await organiser.json('POST', pathOf(routeTable.login, {}), { organisation: slug, email, password }, 200);
    issueId = (await organiser.json<{ id: string }>('POST', pathOf(routeTable.createIssue, { orgId }), { title: 'Repairs', description: 'What first?' }, 201))
      .id;
    for (let i = 0; i < STATEMENTS; i++) {
      const s = await organiser.json<{ id: string; status: string }>(
        'POST',
        pathOf(routeTable.submitStatement, { orgId, issueId }),
        { text: `Statement number ${i + 1}` },
        201,
      );
      expect(s.status).toBe('accepted');
      statementIds.push(s.id);
    }
    const invite = await organiser.json<{ token: string }>('POST', pathOf(routeTable.createInvite, { orgId }), { maxUses: MEMBERS }, 201);
    for (let i = 0; i < MEMBERS; i++) {
      const client = new HttpClient(() => server.url);
      const me = await client.json<{ member: { id: string } }>(
        'POST',
        pathOf(routeTable.acceptInvite, { token: invite.token }),
        { displayName: `Member ${i + 1}` },
        201,
      );
      members.push({ id: me.member.id, client });
    }
  });

  afterAll(async () => {
    if (server) await kill(server);
    await db?.drop();
  });

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: every acknowledged vote survives SIGKILL and restart', async (round) => {
    // Load: IN_FLIGHT workers, each voting as a random member on a random statement, never two on one pair at once.
    let stop = false;
    const busy = new Set<string>();
    const failures: string[] = [];
    let acked = 0;
    let lost = 0;
    const lostKeys = new Set<string>();
    let firstAck: () => void = () => undefined;
    const flowing = new Promise<void>((resolve) => (firstAck = resolve));
    const worker = async () => {
      while (!stop) {
        const member = pick(members);
        const statementId = pick(statementIds);
        const pair = `${member.id} ${statementId}`;
        if (busy.has(pair)) continue;
        busy.add(pair);
        const value = pick([1, -1, 0]);
        const key = `r${round}-${randomBytes(9).toString('base64url')}`;
        try {
          const res = await member.client.req('PUT', pathOf(routeTable.vote, { orgId, statementId }), { vote: value }, { headers: { 'idempotency-key': key } });
          if (res.ok) {
            // Acknowledged: from here on it must survive.
            truth.set(pair, { expected: value, acknowledged: true, unsure: new Set() });
            acked += 1;
            firstAck();
            const body = (await res.json().catch(() => null)) as { vote?: number; changed?: boolean } | null;
            if (body && body.vote !== value) failures.push(`${pair}: sent ${value}, acknowledged ${body.vote}`);
            if (body?.changed) loggedAcks.set(key, { pair, value });
          } else {
            failures.push(`${pair}: ${res.status} ${await res.text()}`);
          }
        } catch (e) {
          if (!stop) failures.push(`${pair}: ${String(e)}`);
          else {
            // In flight when the server died: not acknowledged, so written or not, either is right.
            const t = truth.get(pair) ?? { expected: null, acknowledged: false, unsure: new Set<number>() };
            t.unsure.add(value);
            truth.set(pair, t);
            lost += 1;
            lostKeys.add(key);
          }
        } finally {
          busy.delete(pair);
        }
      }
    };
    const loadStart = Date.now();
    const workers = Array.from({ length: IN_FLIGHT }, worker);
    // The kill comes 100–400 ms after votes start being acknowledged (a restarted server first warms up).
    await Promise.race([flowing, sleep(15_000)]);
    const warmUp = Date.now() - loadStart;
    const killAfter = 100 + Math.floor(Math.random() * 300);
    await sleep(killAfter);
    stop = true;
    await kill(server);
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(acked, 'no vote was acknowledged before the kill: the round proves nothing').toBeGreaterThan(0);
    totalAcked += acked;
    totalInFlight += lost;

    server = await startServer(db);

    // Through the API: each member's own current votes, as the restarted server serves them.
    const served = new Map<string, number | null>();
    const details = await Promise.all(
      members.map((m) =>
        m.client.json<{ statements: { id: string; myVote: number | null }[] }>('GET', pathOf(routeTable.issue, { orgId, issueId }), undefined, 200),
      ),
    );
    members.forEach((m, i) => {
      for (const s of details[i]!.statements) served.set(`${m.id} ${s.id}`, s.myVote);
    });
    expect(served.size).toBe(MEMBERS * STATEMENTS);
    const wrong: string[] = [];
    let verified = 0;
    for (const [pair, current] of served) {
      const t = truth.get(pair);
      const allowed = new Set<number | null>([t?.expected ?? null, ...(t?.unsure ?? [])]);
      if (!allowed.has(current))
        wrong.push(`${pair}: current ${current}, expected ${t?.expected ?? 'none'}${t?.unsure.size ? `, or unacknowledged ${[...t.unsure].join('/')}` : ''}`);
      if (t?.acknowledged) verified += 1;
    }
    expect(wrong).toEqual([]);
    const unsure = [...truth.values()].filter((t) => t.unsure.size > 0).length;
    // The lost requests are gone for good now: what the restarted server holds is settled for the next round.
    for (const [pair, t] of truth) {
      const found = served.get(pair) ?? null;
      if (t.unsure.size) truth.set(pair, { expected: found, acknowledged: t.acknowledged && found === t.expected, unsure: new Set() });
    }

    // In the store: current votes as served, each equal to its newest vote_log row; the SQLite file intact.
    let committedAnyway = 0;
    const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 });
    try {
      const rows = await store.db.selectFrom('votes').select(['member_id', 'statement_id', 'value']).where('issue_id', '=', issueId).execute();
      const current = new Map(rows.map((r) => [`${r.member_id} ${r.statement_id}`, Number(r.value)]));
      for (const [pair, v] of served) expect(current.get(pair) ?? null, pair).toBe(v);
      const log = await store.db.selectFrom('vote_log').select(['member_id', 'statement_id', 'value']).where('issue_id', '=', issueId).orderBy('seq').execute();
      const newest = new Map<string, number>();
      for (const r of log) newest.set(`${r.member_id} ${r.statement_id}`, Number(r.value));
      expect(newest).toEqual(current);
      // Every acknowledged vote that changed something is in the log, under its key, as sent: none lost.
      const keyed = await store.db
        .selectFrom('vote_log')
        .select(['idempotency_key', 'member_id', 'statement_id', 'value'])
        .where('issue_id', '=', issueId)
        .where('idempotency_key', 'is not', null)
        .execute();
      const byKey = new Map(keyed.map((r) => [r.idempotency_key!, { pair: `${r.member_id} ${r.statement_id}`, value: Number(r.value) }]));
      const missing = [...loggedAcks].filter(([key, v]) => byKey.get(key)?.pair !== v.pair || byKey.get(key)?.value !== v.value);
      expect(missing, 'acknowledged votes missing from the log').toEqual([]);
      committedAnyway = [...lostKeys].filter((k) => byKey.has(k)).length;
      if (dialect === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
        expect(check.rows.map((r) => r.integrity_check)).toEqual(['ok']);
      }
    } finally {
      await store.close();
    }

    console.log(
      `[${dialect}] round ${round}: first vote acknowledged after ${warmUp} ms, SIGKILL ${killAfter} ms later; ${acked} votes acknowledged this round (${totalAcked} in all, ${loggedAcks.size} of them changes found in the log by key), ${lost} in flight at the kill (${committedAnyway} of them committed anyway); ` +
        `after restart ${verified} member×statement votes checked against their last acknowledged value (${unsure} pairs had a lost vote, either value allowed); ${served.size} current votes read back, vote_log in step${dialect === 'sqlite' ? ', integrity_check ok' : ''}`,
    );
    // The writer was busy when the server died: over the rounds, votes were in flight at the kills.
    if (round === ROUNDS) expect(totalInFlight, 'no kill landed while votes were in flight').toBeGreaterThan(0);
  });
});
