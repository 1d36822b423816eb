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
 * With `apiProcesses` above one (PostgreSQL), that many `serve --role api` processes and one
 * `serve --role worker` share the database, and the connections are split evenly over the API
 * processes (one autocannon instance each, run together), as a load balancer would spread them.
 *
 * With `ceiling`, the same load also runs against two servers that only answer (node:http, and
 * a bare Fastify route parsing the body): what this machine serves at all, for scale.
 *
 * With `floodAnonymous` (requests per second), the server runs with its request limits on (the
 * defaults), and each run is made twice: alone, then beside a flood at that rate on the
 * anonymous routes (receipts of criticism that does not exist, spends of tokens that are not
 * tokens, the published keys), from the same load generator, as one attacker who keeps nothing
 * the server could tell apart. Both runs' votes/s and p99 are printed, and the flood's answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AutocannonRequest, AutocannonResult } from 'autocannon';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { csrfTokenOf } from '../../server/auth/csrf.js';
import { openStore, votes, type DialectName } from '../../store/index.js';
import { startBenchPostgres, type BenchPostgres } from './api-postgres.js';
import { cpuSeconds, startChildServer, type ChildServer } from './api-process.js';
import { seedBenchOrganisation, type BenchOrganisation } from './api-seed.js';
import { benchStoreWrites, type StoreRunFigures } from './api-store.js';
import { floodInChild, type FloodFigures } from './api-flood.js';
import { loadAutocannon } from './load-autocannon.js';

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
  /** API processes serving the load (more than one: PostgreSQL only, beside one analysis worker). */
  apiProcesses: number;
  /** Requests per second flooding the anonymous routes beside a second run at each concurrency (0: none; limits stay off). */
  floodAnonymous: number;
  /**
   * The flood's process niceness (0 to 19). An attacker's requests come from other machines; on
   * this one the flood's own CPU is taken from the server and the vote load, so at 19 it runs on
   * what they leave (the answered rate is printed: it must still reach the rate asked).
   */
  floodNice?: number;
  log: (line: string) => void;
}

/** The figures of one run, as `--json` prints them. */
export interface ApiRunFigures {
  votesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** What a run measured: the real server on a dialect, a ceiling server, or the store alone. */
export type BenchTarget = DialectName | `${DialectName} + anonymous flood` | 'node:http' | 'fastify' | `${DialectName} store, ${StoreRunFigures['mode']}`;

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
  flood?: FloodFigures;
}

/** Figures by connections ("50"). */
type ByConnections = Record<string, ApiRunFigures>;

/**
 * What `--json` prints: each dialect through the API; with `--ceiling` the ceiling servers of the
 * same run and each dialect's votes/s as a share of the bare Fastify ceiling at the same
 * connections; with `--store` the store alone, by mode.
 */
export type ApiBenchReport = Partial<Record<DialectName, ByConnections>> & {
  apiProcesses?: number;
  ceiling?: Partial<Record<'node:http' | 'fastify', ByConnections>>;
  shareOfFastifyCeiling?: Partial<Record<DialectName, Record<string, number>>>;
  store?: Partial<Record<DialectName, Partial<Record<StoreRunFigures['mode'], ByConnections>>>>;
  /** Each dialect's runs beside the anonymous flood, and the flood's answers by status. */
  anonymousFlood?: Partial<Record<DialectName, Record<string, ApiRunFigures & { floodRate: number; floodStatusCodes: Record<string, number> }>>>;
};

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

type ServeRole = 'all' | 'api' | 'worker';

/** Start `massline serve` on a free loopback port, with request limits off (or on at their defaults). */
async function startServer(
  target: { dataDir: string; databaseUrl: string | undefined },
  nodeFlags: string[],
  role: ServeRole = 'all',
  limits = 'off',
): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_RATE_LIMITS: limits, MASSLINE_LOG_LEVEL: 'warn' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_ROLE']) delete env[k];
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  const roleArgs = role === 'all' ? [] : ['--role', role];
  return startChildServer(mainScript, ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', target.dataDir, ...roleArgs], {
    env,
    nodeFlags,
    ...(role === 'worker' ? { ready: /Massline is working/ } : {}),
  });
}

/** The servers of one dialect's runs: one `serve` (all roles), or N API processes and one analysis worker. */
interface BenchServers {
  api: ChildServer[];
  worker: ChildServer | null;
}

async function startServers(target: { dataDir: string; databaseUrl: string | undefined }, opts: ApiBenchOptions): Promise<BenchServers> {
  // With the flood, the limits as the environment sets them (the defaults unless MASSLINE_RATE_LIMITS says otherwise).
  const limits = opts.floodAnonymous > 0 ? (process.env.MASSLINE_RATE_LIMITS ?? 'on') : 'off';
  if (opts.apiProcesses === 1) return { api: [await startServer(target, opts.serverNodeFlags, 'all', limits)], worker: null };
  const servers: BenchServers = { api: [], worker: null };
  try {
    servers.worker = await startServer(target, opts.serverNodeFlags, 'worker');
    for (let i = 0; i < opts.apiProcesses; i++) servers.api.push(await startServer(target, opts.serverNodeFlags, 'api', limits));
    return servers;
  } catch (e) {
    await stopServers(servers);
    throw e;
  }
}

async function stopServers(servers: BenchServers): Promise<void> {
  await Promise.all(servers.api.map((s) => s.stop()));
  await servers.worker?.stop();
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
  const paths = org.statementIds.map((id) => pathOf(routeTable.vote, { orgId: org.orgId, statementId: id }));
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
        request.headers = {
          'content-type': 'application/json',
          cookie: cookies[member]!,
          'x-csrf-token': csrf[member]!,
          'idempotency-key': `bench.${runLabel}.${i}`,
        };
        request.body = bodies[(member + statement + round) % 3]!;
        return request;
      },
    },
  ];
}

/** The load, shared out over the servers (connections and the request bound split evenly), as one result. */
async function loadRun(
  urls: string[],
  org: BenchOrganisation,
  counter: { next: number },
  runLabel: string,
  connections: number,
  seconds: number,
  maxRequests: number,
) {
  const autocannon = await loadAutocannon('bench-api');
  const latencies: number[] = [];
  const share = (total: number, i: number) => Math.floor(total / urls.length) + (i < total % urls.length ? 1 : 0);
  const results = await Promise.all(
    urls.map((url, i) => {
      const instance = autocannon({
        url,
        connections: share(connections, i),
        duration: seconds,
        maxOverallRequests: share(maxRequests, i),
        timeout: 10,
        requests: voteRequests(org, counter, runLabel),
      });
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) latencies.push(ms);
      });
      return instance;
    }),
  );
  const sum = (f: (r: AutocannonResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, st] of Object.entries(r.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + st.count;
  const result = {
    duration: Math.max(...results.map((r) => r.duration)),
    sent: sum((r) => r.requests.sent),
    ok: sum((r) => r['2xx']),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    statusCodes,
  };
  const sorted = Float64Array.from(latencies).sort();
  return { result, sorted };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Read the stored votes back: every current vote must equal the member's newest logged vote. */
async function storedVotes(
  target: { dataDir: string; databaseUrl: string | undefined },
  org: BenchOrganisation,
): Promise<{ logged: number; current: number; outOfStep: number; bytesPerVote: number | null }> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 2 });
  try {
    const log = await votes.voteLogOfIssue(store.db, org.orgId, org.issueId);
    const current = await votes.currentVotesOfIssue(store.db, org.orgId, org.issueId);
    const newest = new Map<string, number>();
    for (const v of log) newest.set(`${v.memberId} ${v.statementId}`, v.value);
    const outOfStep = current.filter((v) => newest.get(`${v.memberId} ${v.statementId}`) !== v.value).length + Math.max(0, newest.size - current.length);
    return {
      logged: log.length,
      current: current.length,
      outOfStep,
      bytesPerVote: log.length > 0 ? Math.round((await votes.voteStorageBytes(store.db, store.dialect)) / log.length) : null,
    };
  } finally {
    await store.close();
  }
}

/** One measured run at one concurrency (after its warm-up), logged as it ends; with `floodRate`, beside the anonymous flood. */
async function measure(
  target: BenchTarget,
  servers: ChildServer[],
  org: BenchOrganisation,
  counter: { next: number },
  connections: number,
  opts: ApiBenchOptions,
  floodRate = 0,
): Promise<ApiRun> {
  const urls = servers.map((s) => s.url);
  const label = `${floodRate > 0 ? 'f' : 'c'}${connections}`;
  if (opts.warmupSeconds > 0) await loadRun(urls, org, counter, `w${label}`, connections, opts.warmupSeconds, opts.maxRequests);
  const loadBefore = loadAverage();
  const cpuOf = () => {
    const each = servers.map((s) => cpuSeconds(s.child.pid));
    return each.every((c) => c !== null)
      ? { process: each.reduce((a, c) => a + c!.process, 0), mainThread: each.reduce((a, c) => a + c!.mainThread, 0) }
      : null;
  };
  const cpuBefore = cpuOf();
  const flooding = floodRate > 0 ? floodInChild(urls[0]!, org.orgId, floodRate, opts.seconds, opts.floodNice ?? 0) : null;
  const { result, sorted } = await loadRun(urls, org, counter, label, connections, opts.seconds, opts.maxRequests);
  const flood: FloodFigures | undefined = flooding ? await flooding : undefined;
  const cpuAfter = cpuOf();
  const perVote = (a: number, b: number) => `${Math.round(((b - a) * 1e6) / Math.max(1, result.ok))} µs`;
  const whose = servers.length > 1 ? `${servers.length} API processes' CPU` : 'server CPU';
  const cpu =
    cpuBefore && cpuAfter
      ? `; ${whose} per request ${perVote(cpuBefore.process, cpuAfter.process)} (main thread${servers.length > 1 ? 's' : ''} ${perVote(cpuBefore.mainThread, cpuAfter.mainThread)})`
      : '';
  const run: ApiRun = {
    target,
    connections,
    seconds: result.duration,
    requests: result.sent,
    acknowledged: result.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodes,
    votesPerSec: Math.round(result.ok / result.duration),
    p50Ms: round2(quantile(sorted, 0.5)),
    p99Ms: round2(quantile(sorted, 0.99)),
    ...(flood ? { flood } : {}),
  };
  opts.log(
    `[${target}] ${String(connections).padStart(3)} connections${servers.length > 1 ? ` over ${servers.length} API processes` : ''}: ${String(run.votesPerSec).padStart(6)} ${target === 'node:http' || target === 'fastify' ? 'requests' : 'votes'}/s, ` +
      `p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, max ${round1(sorted[sorted.length - 1] ?? Number.NaN)} ms; ` +
      `${run.acknowledged} acknowledged in ${run.seconds} s, non-2xx ${run.non2xx}, errors ${run.errors}, timeouts ${run.timeouts}${cpu}; load average ${loadBefore} → ${loadAverage()}` +
      `${failed(run) ? `  ERRORS: status ${JSON.stringify(run.statusCodes)}` : ''}`,
  );
  if (flood)
    opts.log(
      `[${target}] the flood: ${flood.sent} requests answered in ${opts.seconds} s (${Math.round(flood.sent / opts.seconds)}/s answered, asked at ${flood.rate}/s), answered ${JSON.stringify(flood.statusCodes)}, connection errors ${flood.errors}; its own process used ${flood.generatorCpuSeconds} s of CPU (${Math.round((flood.generatorCpuSeconds / opts.seconds) * 100)} % of a core)`,
    );
  return run;
}

const failed = (r: ApiRun) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0;

/** Runs alone and beside the anonymous flood, in turn, at each concurrency. */
const FLOOD_ROUNDS = 3;

async function benchDialect(dialect: DialectName, opts: ApiBenchOptions, runs: ApiRun[]): Promise<boolean> {
  const { log } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-api-'));
  let pg: BenchPostgres | null = null;
  let servers: BenchServers | null = null;
  let clean = true;
  try {
    if (dialect === 'postgres') pg = await startBenchPostgres();
    const target = { dataDir, databaseUrl: pg?.url };
    const seedStart = Date.now();
    const org = await seedBenchOrganisation(target, { members: opts.members, statements: opts.statements });
    log(`[${dialect}] seeded ${opts.members} members with sessions and ${opts.statements} statements in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    servers = await startServers(target, opts);
    const where = dialect === 'sqlite' ? ` (SQLite in ${dataDir})` : ' (embedded PostgreSQL)';
    log(
      servers.worker
        ? `[${dialect}] ${servers.api.length} API processes at ${servers.api.map((s) => s.url).join(', ')} and one analysis worker${where}`
        : `[${dialect}] server at ${servers.api[0]!.url}${where}`,
    );
    const counter = { next: 0 };
    if (opts.floodAnonymous > 0)
      log(
        `[${dialect}] request limits ${process.env.MASSLINE_RATE_LIMITS ?? 'on'}${process.env.MASSLINE_RATE_LIMITS === undefined ? ' (the defaults)' : ''}; each run alone, then beside ${opts.floodAnonymous} anonymous requests a second`,
      );
    for (const connections of opts.connections) {
      if (opts.floodAnonymous === 0) {
        const run = await measure(dialect, servers.api, org, counter, connections, opts);
        runs.push(run);
        if (failed(run)) clean = false;
        continue;
      }
      // Alone and beside the flood, in turn, FLOOD_ROUNDS times: on a shared machine the load of
      // the moment moves either by more than the flood does, so the medians are compared.
      const alone: ApiRun[] = [];
      const flooded: ApiRun[] = [];
      for (let round = 0; round < FLOOD_ROUNDS; round++) {
        alone.push(await measure(dialect, servers.api, org, counter, connections, opts));
        flooded.push(await measure(`${dialect} + anonymous flood`, servers.api, org, counter, connections, opts, opts.floodAnonymous));
      }
      const median = (rs: ApiRun[]) => [...rs].sort((a, b) => a.votesPerSec - b.votesPerSec)[Math.floor(rs.length / 2)]!;
      const [a, f] = [median(alone), median(flooded)];
      runs.push(a, f);
      if ([...alone, ...flooded].some(failed)) clean = false;
      const change = (x: number, y: number) => `${y >= x ? '+' : ''}${(((y - x) / x) * 100).toFixed(1)} %`;
      const p99Median = (rs: ApiRun[]) => [...rs].map((r) => r.p99Ms).sort((x, y) => x - y)[Math.floor(rs.length / 2)]!;
      log(
        `[${dialect}] ${connections} connections, medians of ${FLOOD_ROUNDS} runs each: alone ${a.votesPerSec} votes/s, p99 ${p99Median(alone).toFixed(2)} ms; beside the flood ${f.votesPerSec} votes/s, p99 ${p99Median(flooded).toFixed(2)} ms; ` +
          `the flood's effect: votes/s ${change(a.votesPerSec, f.votesPerSec)}, p99 ${change(p99Median(alone), p99Median(flooded))}`,
      );
    }
    const stopped = servers;
    servers = null;
    await stopServers(stopped);
    for (const s of [...stopped.api, ...(stopped.worker ? [stopped.worker] : [])]) {
      const serverErrors = s.stderr().trim();
      if (serverErrors) log(`[${dialect}] a server wrote to stderr:\n${serverErrors.split('\n').slice(-20).join('\n')}`);
    }
    if (opts.store) {
      for (const r of await benchStoreWrites(target, org, counter, {
        concurrency: opts.connections,
        seconds: opts.seconds,
        warmupSeconds: opts.warmupSeconds,
      })) {
        const run: ApiRun = {
          target: `${dialect} store, ${r.mode}`,
          connections: r.concurrency,
          seconds: r.seconds,
          requests: r.acknowledged + r.failed,
          acknowledged: r.acknowledged,
          non2xx: r.failed,
          errors: 0,
          timeouts: 0,
          statusCodes: {},
          votesPerSec: r.votesPerSec,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
        };
        runs.push(run);
        if (failed(run)) clean = false;
        log(
          `[${run.target}] ${String(r.concurrency).padStart(3)} concurrent: ${String(r.votesPerSec).padStart(6)} votes/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms; ${r.acknowledged} written in ${r.seconds} s, ${r.failed} failed`,
        );
      }
    }
    const stored = await storedVotes(target, org);
    log(
      `[${dialect}] stored: ${stored.logged} votes logged, ${stored.current} current votes, ${stored.outOfStep} current votes out of step with the log` +
        `${stored.bytesPerVote === null ? '' : `; the vote tables and their indexes take ${stored.bytesPerVote} bytes per logged vote`}`,
    );
    if (stored.outOfStep > 0) clean = false;
  } finally {
    if (servers) await stopServers(servers);
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return clean;
}

/** The same load against servers that only answer: the most this machine serves with this load generator. */
async function benchCeiling(opts: ApiBenchOptions, runs: ApiRun[]): Promise<void> {
  // The requests need an organisation's shape only (ids, tokens); nothing is stored.
  const org: BenchOrganisation = {
    orgId: 'ceiling',
    issueId: 'ceiling',
    statementIds: ['s1', 's2', 's3'],
    memberIds: ['m1', 'm2', 'm3', 'm4'],
    sessionTokens: ['t1', 't2', 't3', 't4'],
  };
  for (const kind of ['http', 'fastify'] as const) {
    const server = await startChildServer(ceilingScript, [kind]);
    try {
      const counter = { next: 0 };
      for (const connections of opts.connections)
        runs.push(await measure(kind === 'http' ? 'node:http' : 'fastify', [server], org, counter, connections, opts));
    } finally {
      await server.stop();
    }
  }
}

function table(runs: ApiRun[]): string[] {
  const header = ['server', 'connections', 'votes/s', 'p50 ms', 'p99 ms', 'acknowledged', 'non-2xx', 'errors', 'timeouts'];
  const rows = runs.map((r) => [
    r.target === 'node:http' || r.target === 'fastify' ? `${r.target} (ceiling)` : r.target,
    String(r.connections),
    String(r.votesPerSec),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    String(r.acknowledged),
    String(r.non2xx),
    String(r.errors),
    String(r.timeouts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** The runs as `--json` prints them: by target and connections, with each dialect's share of the Fastify ceiling at the same connections. */
export function benchReport(runs: readonly ApiRun[], opts: Pick<ApiBenchOptions, 'dialects' | 'apiProcesses'>): ApiBenchReport {
  const report: ApiBenchReport = {};
  const figures = (r: ApiRun): ApiRunFigures => ({ votesPerSec: r.votesPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms });
  for (const r of runs) {
    const at = String(r.connections);
    if (r.target === 'sqlite' || r.target === 'postgres') (report[r.target] ??= {})[at] = figures(r);
    else if (r.target === 'sqlite + anonymous flood' || r.target === 'postgres + anonymous flood') {
      const dialect = r.target === 'sqlite + anonymous flood' ? 'sqlite' : 'postgres';
      ((report.anonymousFlood ??= {})[dialect] ??= {})[at] = { ...figures(r), floodRate: r.flood?.rate ?? 0, floodStatusCodes: r.flood?.statusCodes ?? {} };
    } else if (r.target === 'node:http' || r.target === 'fastify') ((report.ceiling ??= {})[r.target] ??= {})[at] = figures(r);
    else {
      const [dialect, mode] = /^(\w+) store, (.+)$/.exec(r.target)!.slice(1) as [DialectName, StoreRunFigures['mode']];
      (((report.store ??= {})[dialect] ??= {})[mode] ??= {})[at] = figures(r);
    }
  }
  for (const dialect of opts.dialects) {
    for (const [at, f] of Object.entries(report[dialect] ?? {})) {
      const ceiling = report.ceiling?.fastify?.[at];
      if (ceiling && ceiling.votesPerSec > 0)
        ((report.shareOfFastifyCeiling ??= {})[dialect] ??= {})[at] = Math.round((f.votesPerSec / ceiling.votesPerSec) * 1000) / 1000;
    }
  }
  if (opts.apiProcesses > 1) report.apiProcesses = opts.apiProcesses;
  return report;
}

export async function runApiBench(opts: ApiBenchOptions): Promise<ApiBenchResult> {
  const { log } = opts;
  await loadAutocannon('bench-api');
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
  return { report: benchReport(runs, opts), runs, clean };
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
  apiProcesses?: string;
  floodAnonymous?: string;
  floodNice?: string;
}): Omit<ApiBenchOptions, 'log'> | string {
  const dialects = raw.dialects.split(',').map((d) => d.trim());
  if (dialects.length === 0 || dialects.some((d) => d !== 'sqlite' && d !== 'postgres')) return '--dialects: sqlite, postgres, or both separated by a comma';
  const connections = raw.connections.split(',').map((c) => c.trim());
  if (connections.length === 0 || !connections.every(positive)) return '--connections: positive integers separated by commas';
  for (const [flag, value] of [
    ['--seconds', raw.seconds],
    ['--max-requests', raw.maxRequests],
    ['--members', raw.members],
    ['--statements', raw.statements],
  ] as const) {
    if (!positive(value)) return `${flag}: a positive integer`;
  }
  if (!/^\d+$/.test(raw.warmup)) return '--warmup: a whole number of seconds';
  const apiProcesses = raw.apiProcesses ?? '1';
  if (!positive(apiProcesses) || Number(apiProcesses) > 16) return '--api-processes: an integer from 1 to 16';
  if (Number(apiProcesses) > 1 && dialects.includes('sqlite'))
    return '--api-processes: more than one API process needs PostgreSQL (--dialects postgres); SQLite is served by one process';
  const flood = raw.floodAnonymous ?? '0';
  if (!/^\d+$/.test(flood) || Number(flood) > 20_000) return '--flood-anonymous: requests per second, from 0 (none) to 20000';
  const floodNice = raw.floodNice ?? '0';
  if (!/^\d+$/.test(floodNice) || Number(floodNice) > 19) return '--flood-nice: a niceness from 0 to 19';
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
    apiProcesses: Number(apiProcesses),
    floodAnonymous: Number(flood),
    floodNice: Number(floodNice),
  };
}
