/**
 * `massline bench-api` (`npm run bench:api`): votes per second and latency of the real server.
 *
 * For each dialect: a throwaway database (a SQLite file in a temporary folder; an embedded
 * PostgreSQL with its durable defaults), an organisation seeded with members, their sessions and
 * an issue's statements; then the built server (`massline serve`) as a child process on
 * loopback, and autocannon in this process, so the load generator shares the machine's cores but
 * not the server's event loop. Each run is bounded in time and in requests, after a short
 * warm-up at the same concurrency. Every request is a vote (`PUT …/vote`) by the next member on
 * the next statement, as a browser sends it (session and CSRF cookies, the CSRF header, a fresh
 * Idempotency-Key), with a value that changes each time a pair comes round again, so every
 * request writes. Latency percentiles are computed exactly from every acknowledged (2xx)
 * response, not from autocannon's whole-millisecond histogram.
 *
 * With `ceiling`, the same load also runs against two servers that only answer (node:http, and
 * a bare Fastify route parsing the body): what this machine serves at all, for scale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { csrfTokenOf } from '../../server/auth/csrf.js';
import { openStore, votes, type DialectName } from '../../store/index.js';
import { startBenchPostgres, type BenchPostgres } from './api-postgres.js';
import { cpuSeconds, startChildServer, type ChildServer } from './api-process.js';
import { seedBenchOrganisation, type BenchOrganisation } from './api-seed.js';
import { benchStoreWrites, type StoreRunFigures } from './api-store.js';

export interface ApiBenchOptions {
  dialects: DialectName[];
  /** Concurrent connections of each run. */
  connections: number[];
  /** Length of each measured run. */
  seconds: number;
  /** A warm-up at the same concurrency before each measured run (0: none). */
  warmupSeconds: number;
  /** At most this many requests per run. */
  maxRequests: number;
  members: number;
  statements: number;
  /** Extra node flags for the server, e.g. --cpu-prof. */
  serverNodeFlags: string[];
  /** Also measure servers that only answer (node:http, bare Fastify) under the same load. */
  ceiling: boolean;
  /** Also measure the store's vote writing alone, without HTTP: group commit, and a transaction per vote. */
  store: boolean;
  log: (line: string) => void;
}

/** The figures of one run, as `--json` prints them. */
export interface ApiRunFigures {
  votesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** What a run measured: the real server on a dialect, a ceiling server, or the store alone. */
export type BenchTarget = DialectName | 'node:http' | 'fastify' | `${DialectName} store, ${StoreRunFigures['mode']}`;

export interface ApiRun extends ApiRunFigures {
  target: BenchTarget;
  connections: number;
  seconds: number;
  requests: number;
  acknowledged: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export type ApiBenchReport = Partial<Record<DialectName, Record<string, ApiRunFigures>>>;

export interface ApiBenchResult {
  report: ApiBenchReport;
  runs: ApiRun[];
  /** False when any run had a non-2xx response, a connection error or a timeout, or the stored votes were out of step. */
  clean: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** This file is dist/cli/bench/api.js; the command is dist/cli/main.js. */
const mainScript = path.resolve(here, '../main.js');

const ceilingScript = path.resolve(here, 'api-ceiling-server.js');

/** Start `massline serve` on a free loopback port, with request limits off. */
async function startServer(target: { dataDir: string; databaseUrl: string | undefined }, nodeFlags: string[]): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_RATE_LIMITS: 'off', MASSLINE_LOG_LEVEL: 'warn' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST']) delete env[k];
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return startChildServer(mainScript, ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', target.dataDir], { env, nodeFlags });
}

const loadAverage = () => os.loadavg()[0]!.toFixed(2);

/** The value at quantile q of sorted numbers (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Request number i → the vote it casts: the next member, the next statement, a value that differs from the pair's previous one. */
function voteRequests(org: BenchOrganisation, counter: { next: number }, runLabel: string): AutocannonRequest[] {
  const m = org.sessionTokens.length;
  const s = org.statementIds.length;
  // As a browser sends them: the session cookie, the readable CSRF cookie, and its value in the header.
  const csrf = org.sessionTokens.map((t) => csrfTokenOf(t));
  const cookies = org.sessionTokens.map((t, i) => `massline_session=${t}; massline_csrf=${csrf[i]}`);
  const paths = org.statementIds.map((id) => `/api/orgs/${org.orgId}/statements/${id}/vote`);
  const bodies = ['{"vote":-1}', '{"vote":0}', '{"vote":1}'];
  return [
    {
      method: 'PUT',
      setupRequest(request) {
        const i = counter.next++;
        const member = i % m;
        const statement = Math.floor(i / m) % s;
        const round = Math.floor(i / (m * s));
        request.path = paths[statement]!;
        request.headers = { 'content-type': 'application/json', cookie: cookies[member]!, 'x-csrf-token': csrf[member]!, 'idempotency-key': `bench.${runLabel}.${i}` };
        request.body = bodies[(member + statement + round) % 3]!;
        return request;
      },
    },
  ];
}

async function loadRun(url: string, org: BenchOrganisation, counter: { next: number }, runLabel: string, connections: number, seconds: number, maxRequests: number) {
  const latencies: number[] = [];
  const instance = autocannon({ url, connections, duration: seconds, maxOverallRequests: maxRequests, timeout: 10, requests: voteRequests(org, counter, runLabel) });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return { result, sorted };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Read the stored votes back: every current vote must equal the member's newest logged vote. */
async function storedVotes(target: { dataDir: string; databaseUrl: string | undefined }, org: BenchOrganisation): Promise<{ logged: number; current: number; outOfStep: number }> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 2 });
  try {
    const log = await votes.voteLogOfIssue(store.db, org.orgId, org.issueId);
    const current = await votes.currentVotesOfIssue(store.db, org.orgId, org.issueId);
    const newest = new Map<string, number>();
    for (const v of log) newest.set(`${v.memberId} ${v.statementId}`, v.value);
    const outOfStep = current.filter((v) => newest.get(`${v.memberId} ${v.statementId}`) !== v.value).length + Math.max(0, newest.size - current.length);
    return { logged: log.length, current: current.length, outOfStep };
  } finally {
    await store.close();
  }
}

/** One measured run at one concurrency (after its warm-up), logged as it ends. */
async function measure(target: BenchTarget, server: ChildServer, org: BenchOrganisation, counter: { next: number }, connections: number, opts: ApiBenchOptions): Promise<ApiRun> {
  if (opts.warmupSeconds > 0) await loadRun(server.url, org, counter, `w${connections}`, connections, opts.warmupSeconds, opts.maxRequests);
  const loadBefore = loadAverage();
  const cpuBefore = cpuSeconds(server.child.pid);
  const { result, sorted } = await loadRun(server.url, org, counter, `c${connections}`, connections, opts.seconds, opts.maxRequests);
  const cpuAfter = cpuSeconds(server.child.pid);
  const perVote = (a: number, b: number) => `${Math.round(((b - a) * 1e6) / Math.max(1, result['2xx']))} µs`;
  const cpu = cpuBefore && cpuAfter ? `; server CPU per request ${perVote(cpuBefore.process, cpuAfter.process)} (main thread ${perVote(cpuBefore.mainThread, cpuAfter.mainThread)})` : '';
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const run: ApiRun = {
    target,
    connections,
    seconds: result.duration,
    requests: result.requests.sent,
    acknowledged: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    votesPerSec: Math.round(result['2xx'] / result.duration),
    p50Ms: round2(quantile(sorted, 0.5)),
    p99Ms: round2(quantile(sorted, 0.99)),
  };
  opts.log(
    `[${target}] ${String(connections).padStart(3)} connections: ${String(run.votesPerSec).padStart(6)} ${target === 'sqlite' || target === 'postgres' ? 'votes' : 'requests'}/s, ` +
      `p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, max ${round1(sorted[sorted.length - 1] ?? Number.NaN)} ms; ` +
      `${run.acknowledged} acknowledged in ${run.seconds} s, non-2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts}${cpu}; load average ${loadBefore} → ${loadAverage()}` +
      `${failed(run) ? `  ERRORS: status ${JSON.stringify(statusCodes)}` : ''}`,
  );
  return run;
}

const failed = (r: ApiRun) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0;

async function benchDialect(dialect: DialectName, opts: ApiBenchOptions, runs: ApiRun[]): Promise<boolean> {
  const { log } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-api-'));
  let pg: BenchPostgres | null = null;
  let server: ChildServer | null = null;
  let clean = true;
  try {
    if (dialect === 'postgres') pg = await startBenchPostgres();
    const target = { dataDir, databaseUrl: pg?.url };
    const seedStart = Date.now();
    const org = await seedBenchOrganisation(target, { members: opts.members, statements: opts.statements });
    log(`[${dialect}] seeded ${opts.members} members with sessions and ${opts.statements} statements in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    server = await startServer(target, opts.serverNodeFlags);
    log(`[${dialect}] server at ${server.url}${dialect === 'sqlite' ? ` (SQLite in ${dataDir})` : ' (embedded PostgreSQL)'}`);
    const counter = { next: 0 };
    for (const connections of opts.connections) {
      const run = await measure(dialect, server, org, counter, connections, opts);
      runs.push(run);
      if (failed(run)) clean = false;
    }
    await server.stop();
    const serverErrors = server.stderr().trim();
    server = null;
    if (serverErrors) log(`[${dialect}] the server wrote to stderr:\n${serverErrors.split('\n').slice(-20).join('\n')}`);
    if (opts.store) {
      for (const r of await benchStoreWrites(target, org, counter, { concurrency: opts.connections, seconds: opts.seconds, warmupSeconds: opts.warmupSeconds })) {
        const run: ApiRun = { target: `${dialect} store, ${r.mode}`, connections: r.concurrency, seconds: r.seconds, requests: r.acknowledged + r.failed, acknowledged: r.acknowledged, non2xx: r.failed, errors: 0, timeouts: 0, statusCodes: {}, votesPerSec: r.votesPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
        runs.push(run);
        if (failed(run)) clean = false;
        log(`[${run.target}] ${String(r.concurrency).padStart(3)} concurrent: ${String(r.votesPerSec).padStart(6)} votes/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms; ${r.acknowledged} written in ${r.seconds} s, ${r.failed} failed`);
      }
    }
    const stored = await storedVotes(target, org);
    log(`[${dialect}] stored: ${stored.logged} votes logged, ${stored.current} current votes, ${stored.outOfStep} current votes out of step with the log`);
    if (stored.outOfStep > 0) clean = false;
  } finally {
    await server?.stop();
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return clean;
}

/** The same load against servers that only answer: the most this machine serves with this load generator. */
async function benchCeiling(opts: ApiBenchOptions, runs: ApiRun[]): Promise<void> {
  // The requests need an organisation's shape only (ids, tokens); nothing is stored.
  const org: BenchOrganisation = { orgId: 'ceiling', issueId: 'ceiling', statementIds: ['s1', 's2', 's3'], memberIds: ['m1', 'm2', 'm3', 'm4'], sessionTokens: ['t1', 't2', 't3', 't4'] };
  for (const kind of ['http', 'fastify'] as const) {
    const server = await startChildServer(ceilingScript, [kind]);
    try {
      const counter = { next: 0 };
      for (const connections of opts.connections) runs.push(await measure(kind === 'http' ? 'node:http' : 'fastify', server, org, counter, connections, opts));
    } finally {
      await server.stop();
    }
  }
}

function table(runs: ApiRun[]): string[] {
  const header = ['server', 'connections', 'votes/s', 'p50 ms', 'p99 ms', 'acknowledged', 'non-2xx', 'errors', 'timeouts'];
  const rows = runs.map((r) => [r.target === 'node:http' || r.target === 'fastify' ? `${r.target} (ceiling)` : r.target, String(r.connections), String(r.votesPerSec), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), String(r.acknowledged), String(r.non2xx), String(r.errors), String(r.timeouts)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export async function runApiBench(opts: ApiBenchOptions): Promise<ApiBenchResult> {
  const { log } = opts;
  for (const file of [mainScript, ceilingScript]) if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  log(
    `API bench — node ${process.version}, ${os.cpus().length} cpus; ${opts.members} members × ${opts.statements} statements; ` +
      `each run ${opts.seconds} s or ${opts.maxRequests} requests${opts.warmupSeconds > 0 ? `, after a ${opts.warmupSeconds} s warm-up` : ''}; SQLite WAL synchronous=FULL, PostgreSQL fsync and synchronous_commit on`,
  );
  const runs: ApiRun[] = [];
  let clean = true;
  for (const dialect of opts.dialects) clean = (await benchDialect(dialect, opts, runs)) && clean;
  if (opts.ceiling) await benchCeiling(opts, runs);
  log('');
  for (const line of table(runs)) log(line);
  if (!clean) log('SOME RUNS HAD ERRORS (see above): their figures do not count.');
  const report: ApiBenchReport = {};
  for (const r of runs) if (r.target === 'sqlite' || r.target === 'postgres') (report[r.target] ??= {})[String(r.connections)] = { votesPerSec: r.votesPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
  return { report, runs, clean };
}

const positive = (x: string) => /^\d+$/.test(x) && Number(x) > 0;

/** The command line's strings → options; a string is the usage error to report. */
export function parseApiBenchOptions(raw: {
  dialects: string;
  connections: string;
  seconds: string;
  warmup: string;
  maxRequests: string;
  members: string;
  statements: string;
  serverNodeFlags: string;
  ceiling?: boolean;
  store?: boolean;
}): Omit<ApiBenchOptions, 'log'> | string {
  const dialects = raw.dialects.split(',').map((d) => d.trim());
  if (dialects.length === 0 || dialects.some((d) => d !== 'sqlite' && d !== 'postgres')) return '--dialects: sqlite, postgres, or both separated by a comma';
  const connections = raw.connections.split(',').map((c) => c.trim());
  if (connections.length === 0 || !connections.every(positive)) return '--connections: positive integers separated by commas';
  for (const [flag, value] of [['--seconds', raw.seconds], ['--max-requests', raw.maxRequests], ['--members', raw.members], ['--statements', raw.statements]] as const) {
    if (!positive(value)) return `${flag}: a positive integer`;
  }
  if (!/^\d+$/.test(raw.warmup)) return '--warmup: a whole number of seconds';
  const maxRequests = Number(raw.maxRequests);
  if (connections.some((c) => Number(c) > maxRequests)) return '--max-requests: at least the number of connections';
  return {
    dialects: dialects as DialectName[],
    connections: connections.map(Number),
    seconds: Number(raw.seconds),
    warmupSeconds: Number(raw.warmup),
    maxRequests,
    members: Number(raw.members),
    statements: Number(raw.statements),
    serverNodeFlags: raw.serverNodeFlags.split(/\s+/).filter(Boolean),
    ceiling: raw.ceiling ?? false,
    store: raw.store ?? false,
  };
}
