/**
 * `massline bench-model` (`npm run bench:model`): how long the model's routes take on a large
 * organisation.
 *
 * For each dialect: a throwaway database (a SQLite file in a temporary folder; an embedded
 * PostgreSQL), an organisation written straight into the store (model-seed.ts: members, issues,
 * the logged votes, analyses, published lines, answers and reports), then the built server
 * (`massline serve`) as a child process on loopback. Each model route is requested one request
 * at a time, by an ordinary member's session, in three phases:
 *
 *   cold   the first requests after the server started, routes taken in turn;
 *   warm   the same again;
 *   after new votes   once 1,000 new votes were cast through the API (PUT …/vote, as a browser
 *          sends them) by members with sessions, on the issues still gathering.
 *
 * Each phase makes `requests` requests per route, and stops a route early once its time budget
 * is spent (the number made is reported). A request's latency is measured by this process from
 * sending to the last byte of the answer; percentiles are exact over the requests made. Every
 * answer must be 200, or the run does not count.
 *
 * On SQLite, `--database FILE` seeds into that file instead (kept with `--keep`), or, when it was
 * seeded before with the same options (the seed leaves them in it), measures it without seeding
 * again: its organisation then holds the new votes of the runs before too.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { csrfTokenOf } from '../../server/auth/csrf.js';
import type { DialectName } from '../../store/index.js';
import { startBenchPostgres, type BenchPostgres } from './api-postgres.js';
import { startChildServer, type ChildServer } from './api-process.js';
import { modelBenchDatabaseState, openSeededModelBench, seedModelBenchOrganisation, type ModelBenchOrganisation, type ModelBenchSize } from './model-seed.js';

export interface ModelBenchOptions {
  dialects: DialectName[];
  members: number;
  issues: number;
  votes: number;
  /** Requests per route in each phase. */
  requests: number;
  /** New votes cast through the API between the warm phase and the last. */
  newVotes: number;
  /** A route's requests in one phase stop once they took this long (the request under way finishes). */
  routeSeconds: number;
  /** One request gives up after this long (a failure). */
  requestTimeoutSeconds: number;
  seed: number;
  /** The routes measured (names of modelRoutes), all by default. */
  routes: string[];
  /** Extra node flags for the server. */
  serverNodeFlags: string[];
  /** The SQLite file to use instead of a temporary one: seeded if absent, reused if seeded with the same options. */
  database: string | null;
  /** Keep the database afterwards (the temporary one, or a `database` this run created). */
  keep: boolean;
  /** Seed, then stop: no server, no requests. */
  seedOnly: boolean;
  log: (line: string) => void;
}

export const modelPhases = ['cold', 'warm', 'afterNewVotes'] as const;
export type ModelPhase = (typeof modelPhases)[number];

/** The figures of one route in one phase, as `--json` prints them. */
export interface ModelRouteFigures {
  requests: number;
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
}

export interface ModelDialectReport {
  /** `reused`: the organisation was already in the `--database` file (seconds and votesPerSec are then 0). */
  seed: { seconds: number; votesPerSec: number; written: ModelBenchOrganisation['written']; reused: boolean };
  newVotes: { cast: number; seconds: number; failures: number };
  routes: Record<string, Partial<Record<ModelPhase, ModelRouteFigures>>>;
}

export type ModelBenchReport = Partial<Record<DialectName, ModelDialectReport>>;

export interface ModelBenchResult {
  report: ModelBenchReport;
  /** False when any request failed or a phase of a route made no request. */
  clean: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** This file is dist/cli/bench/model.js; the command is dist/cli/main.js. */
const mainScript = path.resolve(here, '../main.js');

/** A model route and the path it is read at, the k-th time (issue routes take the issues with a line in turn). */
interface ModelRoute {
  name: string;
  path: (org: ModelBenchOrganisation, k: number) => string;
}

export const modelRoutes: readonly ModelRoute[] = [
  { name: 'health', path: (o) => pathOf(routeTable.health, { orgId: o.orgId }) },
  { name: 'trail', path: (o, k) => pathOf(routeTable.healthTrail, { orgId: o.orgId, issueId: pick(o.lineIssueIds, k) }) },
  { name: 'what-if', path: (o, k) => pathOf(routeTable.whatIf, { orgId: o.orgId, issueId: pick(o.lineIssueIds, k) }, { everyWeeks: 4, members: 100 }) },
  { name: 'changes', path: (o) => pathOf(routeTable.changes, { orgId: o.orgId }) },
  { name: 'principal-contradiction', path: (o) => pathOf(routeTable.principal, { orgId: o.orgId }) },
  { name: 'united-front', path: (o, k) => pathOf(routeTable.unitedFront, { orgId: o.orgId, issueId: pick(o.lineIssueIds, k) }) },
  { name: 'embrace', path: (o, k) => pathOf(routeTable.embrace, { orgId: o.orgId, versionId: pick(o.versionIds, k) }) },
  { name: 'member-loop', path: (o) => pathOf(routeTable.myInput, { orgId: o.orgId }) },
];

const pick = <T>(xs: readonly T[], k: number): T => xs[k % xs.length]!;

/** The value at quantile q of sorted numbers (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Start `massline serve` on a free loopback port, with request limits off. */
async function startServer(target: { dataDir: string; databaseUrl: string | undefined }, nodeFlags: string[]): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_RATE_LIMITS: 'off', MASSLINE_LOG_LEVEL: 'warn' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_ROLE']) delete env[k];
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  return startChildServer(mainScript, ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', target.dataDir], { env, nodeFlags });
}

/** A member's session as a browser holds it: the session cookie, the readable CSRF cookie, and its value for the header. */
function browserOf(token: string) {
  const csrf = csrfTokenOf(token);
  return { cookie: `massline_session=${token}; massline_csrf=${csrf}`, csrf };
}

/**
 * One request, timed from sending to the answer's last byte. Through node:http rather than
 * fetch, whose five-minute wait for the answer's headers would cut a slow route short.
 */
function timed(
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<{ ms: number; status: number; body: string }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, body: string) => resolve({ ms: performance.now() - start, status, body });
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done(res.statusCode ?? 0, body));
      res.on('error', (e) => done(0, e.message));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => done(0, e.message));
    req.end(init.body);
  });
}

/** One phase: every route `requests` times, routes in turn, each within its time budget. */
async function phase(
  server: ChildServer,
  org: ModelBenchOrganisation,
  name: ModelPhase,
  opts: ModelBenchOptions,
  report: ModelDialectReport,
  dialect: DialectName,
): Promise<boolean> {
  const routes = modelRoutes.filter((r) => opts.routes.includes(r.name));
  const reader = browserOf(org.sessionTokens[0]!);
  const latencies = routes.map(() => [] as number[]);
  const failures = routes.map(() => 0);
  const spent = routes.map(() => 0);
  let clean = true;
  for (let k = 0; k < opts.requests; k++) {
    let any = false;
    for (const [r, route] of routes.entries()) {
      if (spent[r]! >= opts.routeSeconds * 1000) continue;
      any = true;
      const res = await timed(server.url + route.path(org, k), { headers: { cookie: reader.cookie } }, opts.requestTimeoutSeconds * 1000);
      spent[r]! += res.ms;
      latencies[r]!.push(res.ms);
      // A slow request is told as it ends, so a long run shows where it is.
      if (res.ms >= 1000) opts.log(`[${dialect}] ${name}: ${route.name} took ${(res.ms / 1000).toFixed(1)} s`);
      if (res.status !== 200) {
        failures[r]!++;
        clean = false;
        if (failures[r] === 1) opts.log(`[${dialect}] ${name}: ${route.name} answered ${res.status || 'nothing'}: ${res.body.slice(0, 300)}`);
      }
    }
    if (!any) break;
  }
  for (const [r, route] of routes.entries()) {
    const made = latencies[r]!;
    const sorted = [...made].sort((a, b) => a - b);
    const figures: ModelRouteFigures = {
      requests: made.length,
      firstMs: round1(made[0] ?? Number.NaN),
      p50Ms: round1(quantile(sorted, 0.5)),
      p99Ms: round1(quantile(sorted, 0.99)),
      maxMs: round1(sorted[sorted.length - 1] ?? Number.NaN),
      failures: failures[r]!,
    };
    (report.routes[route.name] ??= {})[name] = figures;
    if (made.length === 0) clean = false;
    opts.log(
      `[${dialect}] ${name.padEnd(13)} ${route.name.padEnd(23)} ${String(figures.requests).padStart(4)} requests: first ${figures.firstMs} ms, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms` +
        `${made.length < opts.requests ? ` (stopped at the ${opts.routeSeconds} s budget)` : ''}${figures.failures > 0 ? `, ${figures.failures} FAILED` : ''}`,
    );
  }
  return clean;
}

/** The new votes, through the API one after another: the members with sessions in turn, on the gathering issues' statements in turn. */
async function castNewVotes(
  server: ChildServer,
  org: ModelBenchOrganisation,
  opts: ModelBenchOptions,
  dialect: DialectName,
): Promise<ModelDialectReport['newVotes']> {
  const voters = org.sessionTokens.map(browserOf);
  // Keys of this run's own: a kept database already holds the keys of the runs before.
  const run = Date.now().toString(36);
  const targets = org.gathering.flatMap((g) => g.statementIds);
  const start = performance.now();
  let failures = 0;
  for (let i = 0; i < opts.newVotes; i++) {
    const voter = voters[i % voters.length]!;
    const statementId = targets[Math.floor(i / voters.length + i) % targets.length]!;
    const res = await timed(
      `${server.url}${pathOf(routeTable.vote, { orgId: org.orgId, statementId })}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: voter.cookie, 'x-csrf-token': voter.csrf, 'idempotency-key': `bench-model.${run}.${i}` },
        body: JSON.stringify({ vote: (i % 3) - 1 }),
      },
      opts.requestTimeoutSeconds * 1000,
    );
    if (res.status < 200 || res.status >= 300) {
      failures++;
      if (failures === 1) opts.log(`[${dialect}] a new vote answered ${res.status || 'nothing'}: ${res.body.slice(0, 300)}`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  opts.log(`[${dialect}] ${opts.newVotes - failures} new votes cast through the API in ${seconds.toFixed(1)} s${failures > 0 ? `, ${failures} FAILED` : ''}`);
  return { cast: opts.newVotes - failures, seconds: round1(seconds), failures };
}

/** The SQLite file's companions (WAL mode). */
const sqliteFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];

async function benchDialect(dialect: DialectName, opts: ModelBenchOptions, report: ModelBenchReport): Promise<boolean> {
  const { log } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-model-'));
  // --database: the store's file (massline.db in its data folder) is a link to it; SQLite keeps its WAL beside the file linked to.
  const file = dialect === 'sqlite' && opts.database !== null ? path.resolve(opts.database) : null;
  const size = sizeOf(opts);
  const existed = file !== null && fs.existsSync(file);
  let pg: BenchPostgres | null = null;
  let server: ChildServer | null = null;
  let clean = true;
  let finished = false;
  try {
    if (dialect === 'postgres') pg = await startBenchPostgres();
    if (file !== null) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.symlinkSync(file, path.join(dataDir, 'massline.db'));
    }
    const target = { dataDir, databaseUrl: pg?.url };
    let org: ModelBenchOrganisation;
    let dialectReport: ModelDialectReport;
    const state = file === null ? 'absent' : modelBenchDatabaseState(file, size);
    if (state === 'seeded') {
      org = openSeededModelBench(file!);
      log(`[${dialect}] ${file} holds the organisation seeded with these options: not seeded again`);
      dialectReport = { seed: { seconds: 0, votesPerSec: 0, written: org.written, reused: true }, newVotes: { cast: 0, seconds: 0, failures: 0 }, routes: {} };
    } else if (state !== 'absent') {
      throw new Error(state);
    } else {
      const seedStart = performance.now();
      let lastLogged = 0;
      org = await seedModelBenchOrganisation(
        target,
        size,
        (written) => {
          if (written - lastLogged >= 1_000_000) {
            lastLogged = written;
            log(`[${dialect}] ${written.toLocaleString('en')} votes written in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
          }
        },
        (done) => log(`[${dialect}] seed: ${done}`),
      );
      const seedSeconds = (performance.now() - seedStart) / 1000;
      const w = org.written;
      log(
        `[${dialect}] seeded in ${seedSeconds.toFixed(1)} s (${Math.round(w.votes / seedSeconds).toLocaleString('en')} votes/s): ${w.members} members, ${opts.issues} issues, ${w.statements} statements, ${w.votes} logged votes, ${w.analyses} analyses, ` +
          `${w.lineVersions} published line versions, ${w.endorsements} answers, ${w.reports} reports, ${w.events} events`,
      );
      dialectReport = {
        seed: { seconds: round1(seedSeconds), votesPerSec: Math.round(w.votes / seedSeconds), written: w, reused: false },
        newVotes: { cast: 0, seconds: 0, failures: 0 },
        routes: {},
      };
    }
    report[dialect] = dialectReport;
    if (!opts.seedOnly) {
      const startedAt = performance.now();
      server = await startServer(target, opts.serverNodeFlags);
      log(
        `[${dialect}] server at ${server.url} started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s${dialect === 'sqlite' ? ` (SQLite in ${file ?? dataDir})` : ' (embedded PostgreSQL)'}`,
      );
      clean = (await phase(server, org, 'cold', opts, dialectReport, dialect)) && clean;
      clean = (await phase(server, org, 'warm', opts, dialectReport, dialect)) && clean;
      dialectReport.newVotes = await castNewVotes(server, org, opts, dialect);
      if (dialectReport.newVotes.failures > 0) clean = false;
      clean = (await phase(server, org, 'afterNewVotes', opts, dialectReport, dialect)) && clean;
      const stopped = server;
      server = null;
      await stopped.stop();
      const serverErrors = stopped.stderr().trim();
      if (serverErrors) log(`[${dialect}] the server wrote to stderr:\n${serverErrors.split('\n').slice(-20).join('\n')}`);
    }
    finished = true;
  } finally {
    await server?.stop();
    await pg?.stop();
    if (file !== null) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      // A file this run made is kept only when asked, and only once its seed finished (a later run could not use a half-seeded one).
      if (!existed && !(opts.keep && finished)) for (const f of sqliteFiles(file)) fs.rmSync(f, { force: true });
      else if (!existed)
        log(`[${dialect}] kept ${file}: run again with --database ${file} (and the same --members, --issues, --votes, --seed) to measure without seeding`);
    } else if (dialect === 'sqlite' && opts.keep && finished) {
      log(
        `[${dialect}] kept ${path.join(dataDir, 'massline.db')}: run again with --database ${path.join(dataDir, 'massline.db')} (and the same --members, --issues, --votes, --seed) to measure without seeding`,
      );
    } else {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return clean;
}

const sizeOf = (opts: Pick<ModelBenchOptions, 'members' | 'issues' | 'votes' | 'seed'>): ModelBenchSize => ({
  members: opts.members,
  issues: opts.issues,
  votes: opts.votes,
  sessions: Math.min(opts.members, 1000),
  seed: opts.seed,
});

/** `--database`: why its file cannot be used with these options, or null (absent: it will be seeded; seeded with them: reused). */
export function modelBenchDatabaseProblem(opts: Pick<ModelBenchOptions, 'database' | 'members' | 'issues' | 'votes' | 'seed'>): string | null {
  if (opts.database === null) return null;
  const state = modelBenchDatabaseState(path.resolve(opts.database), sizeOf(opts));
  return state === 'absent' || state === 'seeded' ? null : `--database: ${state}`;
}

const phaseLabel: Record<ModelPhase, string> = { cold: 'cold', warm: 'warm', afterNewVotes: 'after new votes' };

function table(report: ModelBenchReport): string[] {
  const header = ['dialect', 'route', 'phase', 'requests', 'first ms', 'p50 ms', 'p99 ms', 'max ms', 'failed'];
  const rows: string[][] = [];
  for (const [dialect, r] of Object.entries(report)) {
    for (const [route, phases] of Object.entries(r.routes)) {
      for (const p of modelPhases) {
        const f = phases[p];
        if (f)
          rows.push([
            dialect,
            route,
            phaseLabel[p],
            String(f.requests),
            String(f.firstMs),
            String(f.p50Ms),
            String(f.p99Ms),
            String(f.maxMs),
            String(f.failures),
          ]);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export async function runModelBench(opts: ModelBenchOptions): Promise<ModelBenchResult> {
  const { log } = opts;
  if (!fs.existsSync(mainScript)) throw new Error(`${mainScript} is missing: run \`npm run build\` first`);
  log(
    `Model bench — node ${process.version}, ${os.cpus().length} cpus; ${opts.members} members, ${opts.issues} issues, ${opts.votes} logged votes; ` +
      (opts.seedOnly
        ? 'seed only'
        : `${opts.routes.length === modelRoutes.length ? 'every model route' : opts.routes.join(', ')}, ${opts.requests} requests per route and phase (at most ${opts.routeSeconds} s each), ${opts.newVotes} new votes before the last phase`) +
      (opts.database !== null ? `; database ${path.resolve(opts.database)}` : ''),
  );
  const report: ModelBenchReport = {};
  let clean = true;
  for (const dialect of opts.dialects) clean = (await benchDialect(dialect, opts, report)) && clean;
  if (!opts.seedOnly) {
    log('');
    for (const line of table(report)) log(line);
  }
  if (!clean) log('SOME REQUESTS FAILED (see above): their figures do not count.');
  return { report, clean };
}

const positive = (x: string) => /^\d+$/.test(x) && Number(x) > 0;

/** The command line's strings → options; a string is the usage error to report. */
export function parseModelBenchOptions(raw: {
  dialects: string;
  members: string;
  issues: string;
  votes: string;
  requests: string;
  newVotes: string;
  routeSeconds: string;
  requestTimeout: string;
  seed: string;
  routes?: string;
  serverNodeFlags: string;
  database?: string;
  keep?: boolean;
  seedOnly?: boolean;
}): Omit<ModelBenchOptions, 'log'> | string {
  const dialects = raw.dialects.split(',').map((d) => d.trim());
  if (dialects.length === 0 || dialects.some((d) => d !== 'sqlite' && d !== 'postgres')) return '--dialects: sqlite, postgres, or both separated by a comma';
  for (const [flag, value] of [
    ['--members', raw.members],
    ['--issues', raw.issues],
    ['--votes', raw.votes],
    ['--requests', raw.requests],
    ['--route-seconds', raw.routeSeconds],
    ['--request-timeout', raw.requestTimeout],
  ] as const) {
    if (!positive(value)) return `${flag}: a positive integer`;
  }
  if (!/^\d+$/.test(raw.newVotes)) return '--new-votes: a whole number';
  if (!/^\d+$/.test(raw.seed)) return '--seed: a whole number';
  const routes = raw.routes === undefined ? modelRoutes.map((r) => r.name) : raw.routes.split(',').map((r) => r.trim());
  const unknown = routes.find((r) => !modelRoutes.some((m) => m.name === r));
  if (routes.length === 0 || unknown !== undefined)
    return `--routes: names among ${modelRoutes.map((r) => r.name).join(', ')}, separated by commas${unknown ? ` (not ${JSON.stringify(unknown)})` : ''}`;
  const members = Number(raw.members);
  const issues = Number(raw.issues);
  const votes = Number(raw.votes);
  // The reader, an ordinary member, comes after the admin and three organisers.
  if (members < 5) return '--members: at least 5 (an admin, three organisers and an ordinary member who reads)';
  if (members > 10_000_000) return '--members: at most 10000000';
  if (issues < 3) return '--issues: at least 3 (every third issue has a line; the others gather the new votes)';
  if (issues > 10_000) return '--issues: at most 10000';
  if (votes > 100_000_000) return '--votes: at most 100000000';
  if (votes < issues) return '--votes: at least one per issue';
  if (raw.database !== undefined && (raw.database.trim() === '' || dialects.some((d) => d !== 'sqlite')))
    return '--database: a SQLite file, with --dialects sqlite only';
  if (raw.keep && dialects.some((d) => d !== 'sqlite')) return '--keep: SQLite only (--dialects sqlite)';
  return {
    dialects: dialects as DialectName[],
    members,
    issues,
    votes,
    requests: Number(raw.requests),
    newVotes: Number(raw.newVotes),
    routeSeconds: Number(raw.routeSeconds),
    requestTimeoutSeconds: Number(raw.requestTimeout),
    seed: Number(raw.seed),
    routes,
    serverNodeFlags: raw.serverNodeFlags.split(/\s+/).filter(Boolean),
    database: raw.database ?? null,
    keep: raw.keep === true,
    seedOnly: raw.seedOnly === true,
  };
}
