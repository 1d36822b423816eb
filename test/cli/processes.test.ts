/**
 * One deployment, several processes, one PostgreSQL: `massline serve --role api` twice and
 * `--role worker` once, the built binary against the suite's PostgreSQL.
 *
 * - Votes go through both API processes (a member's session works in either: they keep no state
 *   of their own); one worker analyses; both API processes then serve the same analysis (id and
 *   vote-log position), and it covers every vote.
 * - A worker killed (SIGKILL) in the middle of an analysis job: the job expires, is retried, and a
 *   second worker completes it (pg-boss's job table says so, and the stored analysis covers the
 *   issue's every vote). That job is the issue's only one (processes starting later see it is not
 *   done and queue no other), so the analysis is the retry's work.
 * - Live updates: a live stream open on each API process hears of every statement added through
 *   either, the vote totals up to every vote, and the analysis the worker stored.
 * - A worker stops cleanly on SIGTERM; `--role worker` on SQLite is a usage error.
 * - Two publishers of criticism at once (two connection pools, as two processes) publish each
 *   criticism once, in one unbroken chain.
 *
 * The killed job is the analysis of a real Pol.is conversation (vtaiwan.uberx, about 50,000
 * votes) imported before the processes start: the first worker finds the issue behind its votes and
 * queues its analysis; a worker that is new to the issue loads every vote, which takes long enough
 * to be caught running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/core/index.js';
import { createAnalysisJobs, createCriticismPublisher, queueSchema, startJobQueue } from '../../src/jobs/index.js';
import { criticism, openStore, organisations } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase } from '../_util/stores.js';
import { HttpClient } from '../_util/http-client.js';
import { pathOf, routeTable } from '../_util/routes.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/massline');
const conversation = path.resolve(repo, '../shared/data/polis/vtaiwan.uberx');
const run = promisify(execFile);

const MEMBERS = 16;
const STATEMENTS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = new Set<ChildProcess>();

interface Proc {
  role: string;
  child: ChildProcess;
  /** The API's address; '' for a worker. */
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** The environment of a child: the test database, and nothing inherited that could point elsewhere. */
function envFor(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MASSLINE_LOG_LEVEL: 'error',
    MASSLINE_RATE_LIMITS: 'off',
    MASSLINE_ANALYSIS_DEBOUNCE_MS: '200',
    // A killed worker's job is retried within seconds, not minutes.
    MASSLINE_JOB_EXPIRE_SECONDS: '8',
    MASSLINE_JOB_MAINTENANCE_SECONDS: '1',
    ...extra,
  };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_PASSWORD', 'MASSLINE_ROLE']) if (!(k in extra)) delete env[k];
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  return env;
}

async function massline(db: TestDatabase, args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, [bin, ...args, '--data-dir', db.dataDir], { env: envFor(db), encoding: 'utf8', maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`massline ${args[0]} failed: ${err.stderr || err.message}`);
  }
}

/** `massline serve --role <role>`; resolves once it says it serves (api) or works (worker). */
function start(db: TestDatabase, role: 'api' | 'worker'): Promise<Proc> {
  const child = spawn(process.execPath, [bin, 'serve', '--role', role, '--port', '0', '--data-dir', db.dataDir], {
    env: envFor(db),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.then(() => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ready = role === 'api' ? /serving on (http:\/\/\S+)/ : /Massline is working/;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} did not start within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = ready.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ role, child, url: m[1] ?? '', exited, output: () => `stdout: ${stdout}\nstderr: ${stderr}` });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (${code ?? signal}) before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

/** A live stream (GET /api/orgs/:orgId/live, Server-Sent Events) read as it arrives. */
interface LiveStream {
  events: { type: string; data: Record<string, unknown> }[];
  close(): void;
}

async function openLiveStream(base: string, orgId: string, client: HttpClient): Promise<LiveStream> {
  const abort = new AbortController();
  const res = await fetch(`${base}${pathOf(routeTable.live, { orgId })}`, {
    headers: { cookie: client.cookieHeader(), accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`live stream at ${base}: ${res.status}`);
  const stream: LiveStream = { events: [], close: () => abort.abort() };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: ?(.*)$/m.exec(message)?.[1];
          const data = /^data: ?(.*)$/m.exec(message)?.[1];
          if (type && data) stream.events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // Closed by the test, or by the server stopping.
    }
  })();
  return stream;
}

interface ServedAnalysis {
  id: string;
  stale: boolean;
  snapshot: { source: string; revision: number; counts: { votes: number; participants: number } };
}

/** Poll `probe` until it returns a value (not undefined), or fail after `ms` with `what`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting ${ms} ms for ${what}`);
    await sleep(everyMs);
  }
}

afterAll(async () => {
  // Whatever happened, no process outlives the file.
  await Promise.all(
    [...children].map((c) => {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      return gone;
    }),
  );
});

describe('two API processes and a worker on one PostgreSQL', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let orgId: string;
  let slug: string;
  let imported: { issue: string; votes: number };
  const email = 'organiser@processes.test';
  const password = 'a long test password';

  beforeAll(async () => {
    if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `npx tsc -b` first');
    db = await freshDatabase('postgres');
    sql = new pg.Client({ connectionString: db.databaseUrl });
    await sql.connect();
    slug = 'processes';
    orgId = (
      JSON.parse(await massline(db, ['create-org', '--slug', slug, '--name', 'Tenants union', '--moderation', 'permissive', '--json'])) as { id: string }
    ).id;
    const [, importedJson] = await Promise.all([
      massline(db, ['create-organiser', '--org', slug, '--email', email, '--password', password, '--json']),
      massline(db, ['import-polis', conversation, '--org', slug, '--json']),
    ]);
    imported = JSON.parse(importedJson) as { issue: string; votes: number };
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  /** The analysis jobs of an issue, current and archived, as pg-boss keeps them. */
  async function jobsOf(issueId: string): Promise<{ id: string; state: string; retry_count: number; seconds: number | null }[]> {
    const columns = 'id, state::text, retry_count, extract(epoch from completed_on - started_on)::float8 as seconds';
    const r = await sql.query<{ id: string; state: string; retry_count: number; seconds: number | null }>(
      `select ${columns} from ${queueSchema}.job where name = 'analysis' and singleton_key = $1
       union all select ${columns} from ${queueSchema}.archive where name = 'analysis' and singleton_key = $1`,
      [issueId],
    );
    return r.rows;
  }

  const head = async (issueId: string) =>
    Number((await sql.query<{ head: string | null }>('select max(seq) as head from vote_log where issue_id = $1', [issueId])).rows[0]?.head ?? 0);

  it('votes through both API processes give one analysis, served alike by both; a worker killed mid-job has its job retried and completed', async () => {
    const started = Date.now();
    // The first worker alone: it finds the imported issue behind its votes and queues its analysis
    // (the only job of that issue), takes it, and is killed while it runs.
    const worker1 = await start(db, 'worker');
    const active = await until(
      'the imported issue analysed on the worker',
      30_000,
      async () => (await jobsOf(imported.issue)).find((j) => j.state === 'active'),
      10,
    );
    worker1.child.kill('SIGKILL');
    await worker1.exited;
    const atKill = await jobsOf(imported.issue);
    expect(
      atKill.map((j) => [j.id, j.state]),
      'the analysis finished before the kill: the test proves nothing',
    ).toEqual([[active.id, 'active']]);
    expect(await sql.query(`select 1 from analyses where issue_id = $1 and source = 'engine'`, [imported.issue]).then((r) => r.rowCount)).toBe(0);

    // Both at once: each finds the imported issue behind its votes, and its job (not yet done) covering it.
    const [api1, api2] = await Promise.all([start(db, 'api'), start(db, 'api')]);
    const apis = [api1.url, api2.url];

    // Meanwhile, with no worker up: an issue voted on through both API processes.
    const organiser = new HttpClient(() => api1.url);
    await organiser.json('POST', pathOf(routeTable.login, {}), { organisation: slug, email, password }, 200, { at: api1.url });
    // A live stream on each API process: each must hear of what happens through the other, and of the worker's analysis.
    const streams = await Promise.all(apis.map((api) => openLiveStream(api, orgId, organiser)));
    await until('both live streams to be ready', 10_000, async () => (streams.every((st) => st.events.some((e) => e.type === 'ready')) ? true : undefined));
    const issueId = (
      await organiser.json<{ id: string }>('POST', pathOf(routeTable.createIssue, { orgId }), { title: 'Repairs', description: 'What first?' }, 201, {
        at: api2.url,
      })
    ).id;
    const statementIds: string[] = [];
    for (let i = 0; i < STATEMENTS; i++) {
      statementIds.push(
        (
          await organiser.json<{ id: string }>('POST', pathOf(routeTable.submitStatement, { orgId, issueId }), { text: `Statement number ${i + 1}` }, 201, {
            at: apis[i % 2]!,
          })
        ).id,
      );
    }
    const invite = await organiser.json<{ token: string }>('POST', pathOf(routeTable.createInvite, { orgId }), { maxUses: MEMBERS }, 201, { at: api1.url });
    const members = await Promise.all(
      Array.from({ length: MEMBERS }, async (_, m) => {
        const client = new HttpClient(() => api1.url);
        await client.json('POST', pathOf(routeTable.acceptInvite, { token: invite.token }), { displayName: `Member ${m + 1}` }, 201, { at: apis[m % 2]! });
        return client;
      }),
    );
    // Every member votes on every statement, alternating between the two API processes vote by vote.
    let sent = 0;
    await Promise.all(
      members.map(async (client, m) => {
        for (let s = 0; s < STATEMENTS; s++) {
          const value = [1, -1, 0][(m + s) % 3]!;
          const r = await client.json<{ changed: boolean }>('PUT', pathOf(routeTable.vote, { orgId, statementId: statementIds[s]! }), { vote: value }, 200, {
            at: apis[(m + s) % 2]!,
          });
          expect(r.changed).toBe(true);
          sent += 1;
        }
      }),
    );
    expect(sent).toBe(MEMBERS * STATEMENTS);
    const votedHead = await head(issueId);
    // Each API process sends at most one job per issue per debounce interval (armed by the first
    // vote, so it may come after the last one), and the queue keeps one waiting job per issue.
    const waiting = await until('the voted issue queued for analysis', 30_000, async () => {
      const created = (await jobsOf(issueId)).filter((j) => j.state === 'created');
      return created.length > 0 ? created : undefined;
    });
    expect(waiting.length).toBe(1);

    // A second worker: the voted issue is analysed, and the killed job, once expired, retried and completed.
    const worker2 = await start(db, 'worker');
    const retried = await until('the killed job retried and completed', 45_000, async () => {
      const j = (await jobsOf(imported.issue)).find((x) => x.id === active.id);
      return j?.state === 'completed' ? j : undefined;
    });
    expect(retried.retry_count).toBeGreaterThanOrEqual(1);
    // No other job of the imported issue was ever queued, so the engine's analysis of it can only be the retried job's.
    expect((await jobsOf(imported.issue)).map((j) => j.id)).toEqual([active.id]);

    // Both API processes serve one and the same analysis, covering every vote.
    const served = await until('both API processes to serve an analysis of every vote', 30_000, async () => {
      const [a, b] = await Promise.all(apis.map(async (api) => organiser.req('GET', pathOf(routeTable.analysis, { orgId, issueId }), undefined, { at: api })));
      if (a!.status !== 200 || b!.status !== 200) return undefined;
      const [x, y] = [(await a!.json()) as ServedAnalysis, (await b!.json()) as ServedAnalysis];
      return x.snapshot.revision === votedHead && y.snapshot.revision === votedHead ? { byFirst: x, bySecond: y } : undefined;
    });
    expect(served.byFirst.id).toBe(served.bySecond.id);
    expect(served.byFirst.stale).toBe(false);
    expect(served.byFirst.snapshot.source).toBe('engine');
    expect(served.byFirst.snapshot.counts.votes).toBe(MEMBERS * STATEMENTS);
    expect(served.byFirst.snapshot.counts.participants).toBe(MEMBERS);

    // Live events on both API processes: every statement added through either, the issue's vote
    // totals up to every vote, and the worker's analysis that both now serve.
    for (const [i, stream] of streams.entries()) {
      const added = stream.events
        .filter((e) => e.type === 'statement' && e.data.issueId === issueId && e.data.change === 'added')
        .map((e) => e.data.statementId);
      expect(new Set(added), `statements announced on API process ${i + 1}`).toEqual(new Set(statementIds));
      await until(`the vote totals on API process ${i + 1}`, 10_000, async () =>
        stream.events.some((e) => e.type === 'votes' && e.data.issueId === issueId && e.data.votes === MEMBERS * STATEMENTS) ? true : undefined,
      );
      await until(`the analysis on API process ${i + 1}`, 10_000, async () =>
        stream.events.some((e) => e.type === 'analysis' && e.data.analysisId === served.byFirst.id) ? true : undefined,
      );
    }
    const liveCounts = streams.map((st) => st.events.length);
    for (const st of streams) st.close();

    // The imported issue's analysis, by the job that was retried (the issue's only job), covers its every vote.
    const importedHead = await head(imported.issue);
    expect(await sql.query(`select 1 from analyses where issue_id = $1 and source = 'engine'`, [imported.issue]).then((r) => r.rowCount)).toBe(1);
    const bigOne = await organiser.json<ServedAnalysis>('GET', pathOf(routeTable.analysis, { orgId, issueId: imported.issue }), undefined, 200, {
      at: api2.url,
    });
    expect(bigOne.snapshot.source).toBe('engine');
    expect(bigOne.snapshot.revision).toBe(importedHead);
    expect(bigOne.stale).toBe(false);
    // No analysis job failed for good.
    expect((await jobsOf(issueId)).concat(await jobsOf(imported.issue)).filter((j) => j.state === 'failed')).toEqual([]);

    // Stopping: SIGTERM, and every process exits cleanly.
    for (const p of [worker2, api1, api2]) p.child.kill('SIGTERM');
    const exits = await Promise.all([worker2, api1, api2].map((p) => p.exited));
    expect(exits, [worker2, api1, api2].map((p) => p.output()).join('\n')).toEqual(exits.map(() => ({ code: 0, signal: null })));
    console.log(
      `${imported.votes} votes imported; job ${active.id} killed while active, retried (retry ${retried.retry_count}) and completed in ${retried.seconds?.toFixed(2)} s; ${sent} votes through 2 API processes, analysis ${served.byFirst.id} at vote-log position ${votedHead} served by both; live events received: ${liveCounts.join(' and ')}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it('two publishers at once publish each criticism once, in one unbroken chain', async () => {
    // Two pools, as two processes: a worker's scheduled publication and an API process's read publishing what is due.
    const stores = [
      openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 }),
      openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 }),
    ];
    try {
      const org = await organisations.findOrganisationBySlug(stores[0]!.db, slug);
      const publishers = stores.map((s) => createCriticismPublisher({ db: s.db, clock: () => new Date(), hourUtc: 0, intervalMs: 0 }));
      const BATCH = 8;
      let written = 0;
      const failures: string[] = [];
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < BATCH; i++) {
          const writtenOn = dayOf(new Date(Date.UTC(2020, 0, 2 + round)));
          await criticism.submitCriticism(stores[i % 2]!.db, {
            orgId: org!.id,
            epoch: '2020-W01',
            tokenHash: `round-${round}-${i}`,
            targetKind: 'leadership',
            targetId: null,
            text: `Criticism ${round}.${i}`,
            writtenOn,
          });
          written += 1;
        }
        const results = await Promise.allSettled(publishers.map((p) => p.publishDue()));
        for (const r of results) if (r.status === 'rejected') failures.push((r.reason as { code?: string }).code ?? String(r.reason));
        // Whoever lost the race published nothing: the batch is out once.
        expect(
          results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0),
          `round ${round}`,
        ).toBe(BATCH);
      }
      const rows = await stores[0]!.db
        .selectFrom('criticisms')
        .select(['position', 'prev_hash', 'entry_hash'])
        .where('org_id', '=', org!.id)
        .orderBy('position')
        .execute();
      expect(rows.map((r) => Number(r.position))).toEqual(Array.from({ length: written }, (_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.entry_hash);
      // The loser may be the victim of a deadlock PostgreSQL breaks (40P01): that is a lost race too
      // (it published nothing, the other's batch stands), so no publication fails.
      expect(failures).toEqual([]);
      console.log(`${written} criticisms published by two publishers at once, each once`);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('the job queue, in this process', () => {
  it('one issue is analysed by one worker at a time; drain() waits for the workers', async () => {
    const db = await freshDatabase('postgres');
    const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 });
    // As an API process (sends only) and a worker.
    const queues = await Promise.all(
      [false, true].map((works) => startJobQueue({ databaseUrl: db.databaseUrl!, works, expireSeconds: 10, maintenanceSeconds: 1 })),
    );
    const [first, second] = queues as [(typeof queues)[0], (typeof queues)[0]];
    try {
      await store.migrate();
      // The lock of an issue held by one process is refused to another, at once, and free again after.
      const inner = await first.exclusively('analysis issue-1', () => second.exclusively('analysis issue-1', async () => 'both'));
      expect(inner).toEqual({ ran: true, value: { ran: false } });
      expect(await second.exclusively('analysis issue-1', async () => 'second')).toEqual({ ran: true, value: 'second' });
      expect(await second.exclusively('analysis issue-2', () => first.exclusively('analysis issue-3', async () => 'apart'))).toEqual({
        ran: true,
        value: { ran: true, value: 'apart' },
      });

      // An analysis sent by the API process and worked by the worker (an issue that is gone analyses to nothing).
      const sender = createAnalysisJobs({ db: store.db, clock: () => new Date(), debounceMs: 10, mode: 'inline', queue: first });
      const worker = createAnalysisJobs({ db: store.db, clock: () => new Date(), debounceMs: 10, mode: 'inline', queue: second });
      sender.voteArrived('org-gone', 'issue-gone');
      await sender.drain();
      expect(await first.unfinished('analysis')).toBe(0);
      const done = await sql(db, `select state::text from ${queueSchema}.job where name = 'analysis' and singleton_key = 'issue-gone'`);
      expect(done).toEqual([{ state: 'completed' }]);
      await Promise.all([sender.close(), worker.close()]);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await store.close();
      await db.drop();
    }
  });
});

async function sql(db: TestDatabase, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('serve --role', () => {
  it('a worker or an api process on SQLite is a usage error', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-roles-'));
    try {
      const env = { ...process.env };
      for (const k of ['DATABASE_URL', 'MASSLINE_ROLE']) delete env[k];
      for (const role of ['worker', 'api']) {
        const r = spawnSync(process.execPath, [bin, 'serve', '--role', role, '--port', '0', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 20_000 });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`--role: ${role} needs PostgreSQL (DATABASE_URL)`);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
