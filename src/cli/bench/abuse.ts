/**
 * `massline bench-abuse`: a server one member cannot stall, measured on loopback (bounded in
 * time and connections). The built server (`massline serve`) runs as a child process on a
 * throwaway SQLite database, with its request limits at their defaults, the bench's address
 * taken as a trusted proxy (so a login may come "from" many addresses), and short request
 * timeouts (from config, as an operator would set them).
 *
 * 1. Votes alone: some members vote at a steady, modest rate (open loop: a vote is sent on
 *    time whether or not the previous one was answered); their latency, p50 and p99.
 * 2. The same votes while one member loops every model route at full speed (several loops at
 *    once with `loops`): the voters' latency again, and what the looping member was answered.
 * 3. Slow bodies: connections that each promise a body and send a few bytes of it, opened
 *    while the voters go on; how many the server closed, when, and with what answer.
 * 4. Logins against one account from many addresses: how many were refused, and whether the
 *    right password got in after them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { csrfTokenOf } from '../../server/auth/csrf.js';
import { loopInChild, type LoopFigures } from './abuse-loop.js';
import { startChildServer, type ChildServer } from './api-process.js';
import { seedBenchOrganisation, type BenchOrganisation } from './api-seed.js';

export interface AbuseBenchOptions {
  /** Length of each voting phase. */
  seconds: number;
  /** Concurrent loops of the looping member. */
  loops: number;
  /** Members voting at the steady rate. */
  voters: number;
  /** Votes a second over all voters. */
  votesPerSecond: number;
  /** Connections that promise a body and trickle it. */
  slowConnections: number;
  /** The server's request timeout for the run (the headers' is half of it). */
  requestTimeoutMs: number;
  /** Login attempts against one account, and the addresses they come from. */
  logins: number;
  loginAddresses: number;
  log: (line: string) => void;
}

export interface VoteFigures {
  votes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Votes answered with anything but 200, by status ("error": no answer). */
  failed: Record<string, number>;
}

export interface AbuseBenchReport {
  loadavg: number;
  alone: VoteFigures;
  beside: VoteFigures & { loops: number; looper: LoopFigures };
  slowBodies: VoteFigures & {
    connections: number;
    opened: number;
    closedByServer: number;
    stillOpen: number;
    answers: Record<string, number>;
    closedAfterMs: { p50: number; p99: number; max: number };
    requestTimeoutMs: number;
  };
  logins: { attempts: number; addresses: number; refused: number; checked: number; rightPasswordAfter: number };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const mainScript = path.resolve(here, '../main.js');
const PASSWORD = 'correct horse battery staple';

const round2 = (x: number) => Math.round(x * 100) / 100;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const count = (into: Record<string, number>, key: string | number) => (into[String(key)] = (into[String(key)] ?? 0) + 1);

/** The soft limit on open files of this process (its children inherit it). */
function openFileLimit(): number {
  try {
    return Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

/** A member as the pages are: session and CSRF cookies, the CSRF header on writes. */
function memberHeaders(token: string): Record<string, string> {
  const csrf = csrfTokenOf(token);
  return { cookie: `massline_session=${token}; massline_csrf=${csrf}`, 'x-csrf-token': csrf };
}

/**
 * The issue voted on, made through the API by the organisation's admin (member 0), so that the
 * model knows it from its events (the seeded one is written straight into the tables).
 */
async function issueThroughTheApi(url: string, org: BenchOrganisation, statements: number): Promise<BenchOrganisation> {
  const headers = { ...memberHeaders(org.sessionTokens[0]!), 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => {
    const r = await fetch(`${url}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`POST ${p}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  const issue = await post(pathOf(routeTable.createIssue, { orgId: org.orgId }), {
    title: 'Repairs first',
    description: 'What should the association fight for first?',
  });
  const statementIds: string[] = [];
  for (let i = 0; i < statements; i++)
    statementIds.push(
      (
        await post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), {
          text: `The landlord should fix problem number ${i + 1} first`,
        })
      ).id,
    );
  return { ...org, issueId: issue.id, statementIds };
}

/** Voters: `rate` votes a second, open loop, spread over the voting members, until `until` resolves. */
async function vote(url: string, org: BenchOrganisation, voters: number[], rate: number, seconds: number, label: string): Promise<VoteFigures> {
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const member = voters[i % voters.length]!;
    const statement = org.statementIds[Math.floor(i / voters.length) % org.statementIds.length]!;
    const sent = performance.now();
    inFlight.push(
      fetch(`${url}${pathOf(routeTable.vote, { orgId: org.orgId, statementId: statement })}`, {
        method: 'PUT',
        headers: { ...memberHeaders(org.sessionTokens[member]!), 'content-type': 'application/json', 'idempotency-key': `abuse.${label}.${i}` },
        body: JSON.stringify({ vote: ((i + member) % 3) - 1 }),
      }).then(
        async (r) => {
          await r.arrayBuffer();
          if (r.status === 200) latencies.push(performance.now() - sent);
          else count(failed, r.status);
        },
        () => void count(failed, 'error'),
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    votes: latencies.length,
    p50Ms: round2(quantile(latencies, 0.5)),
    p99Ms: round2(quantile(latencies, 0.99)),
    maxMs: round2(latencies.at(-1) ?? Number.NaN),
    failed,
  };
}

/** Connections that promise a body of 1,000 bytes and send 10 of it: when each was closed, and what it was answered. */
async function slowBodies(url: string, org: BenchOrganisation, members: number[], n: number, waitMs: number) {
  const { hostname, port } = new URL(url);
  const sockets: { socket: net.Socket; opened: number; closed: number | null; answer: string }[] = [];
  const statement = org.statementIds[0]!;
  const votePath = pathOf(routeTable.vote, { orgId: org.orgId, statementId: statement });
  // Opened in batches, so the server's accept queue (511) is not what refuses them.
  for (let i = 0; i < n; i++) {
    if (i % 250 === 0 && i > 0) await new Promise((r) => setTimeout(r, 50));
    const token = org.sessionTokens[members[i % members.length]!]!;
    const head = Object.entries({
      ...memberHeaders(token),
      host: `${hostname}:${port}`,
      'content-type': 'application/json',
      'content-length': '1000',
      'idempotency-key': `slow.${i}`,
    })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    const entry = { socket: net.connect(Number(port), hostname), opened: performance.now(), closed: null as number | null, answer: '' };
    entry.socket.on('connect', () => entry.socket.write(`PUT ${votePath} HTTP/1.1\r\n${head}\r\n\r\n{"vote": 1`));
    entry.socket.setEncoding('utf8');
    entry.socket.on('data', (d: string) => {
      if (entry.answer.length < 64) entry.answer += d;
    });
    entry.socket.on('error', () => undefined);
    entry.socket.on('close', () => (entry.closed = performance.now()));
    sockets.push(entry);
  }
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline && sockets.some((s) => s.closed === null)) await new Promise((r) => setTimeout(r, 100));
  const answers: Record<string, number> = {};
  const closedAfter: number[] = [];
  let stillOpen = 0;
  for (const s of sockets) {
    if (s.closed === null) {
      stillOpen += 1;
      s.socket.destroy();
      continue;
    }
    closedAfter.push(s.closed - s.opened);
    count(answers, /^HTTP\/1\.1 (\d{3})/.exec(s.answer)?.[1] ?? 'none');
  }
  closedAfter.sort((a, b) => a - b);
  return {
    opened: sockets.length,
    closedByServer: closedAfter.length,
    stillOpen,
    answers,
    closedAfterMs: {
      p50: Math.round(quantile(closedAfter, 0.5)),
      p99: Math.round(quantile(closedAfter, 0.99)),
      max: Math.round(closedAfter.at(-1) ?? Number.NaN),
    },
  };
}

/** Logins against one account (made here by signing up), each from the next of `addresses` (X-Forwarded-For), then the right password from a new one. */
async function logins(url: string, attempts: number, addresses: number) {
  const slug = `abuse-${Date.now().toString(36)}`;
  const email = `organiser@${slug}.test`;
  const from = (i: number) => ({ 'content-type': 'application/json', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
  const signup = await fetch(`${url}${pathOf(routeTable.signup, {})}`, {
    method: 'POST',
    headers: from(1 << 20),
    body: JSON.stringify({ organisation: { name: 'Abuse', slug }, displayName: 'Organiser', email, password: PASSWORD }),
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const statuses: Record<string, number> = {};
  // Ten at a time, the way a guesser with many addresses would.
  for (let i = 0; i < attempts; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, attempts - i) }, async (_, j) => {
        const r = await fetch(`${url}${pathOf(routeTable.login, {})}`, {
          method: 'POST',
          headers: from((i + j) % addresses),
          body: JSON.stringify({ organisation: slug, email, password: `wrong ${i + j}` }),
        });
        await r.arrayBuffer();
        count(statuses, r.status);
      }),
    );
  }
  const right = await fetch(`${url}${pathOf(routeTable.login, {})}`, {
    method: 'POST',
    headers: from(addresses + 1),
    body: JSON.stringify({ organisation: slug, email, password: PASSWORD }),
  });
  await right.arrayBuffer();
  return { attempts, addresses, refused: statuses['429'] ?? 0, checked: statuses['401'] ?? 0, rightPasswordAfter: right.status };
}

const show = (f: VoteFigures) =>
  `${f.votes} votes, p50 ${f.p50Ms.toFixed(2)} ms, p99 ${f.p99Ms.toFixed(2)} ms, max ${f.maxMs.toFixed(1)} ms${Object.keys(f.failed).length ? `; not 200: ${JSON.stringify(f.failed)}` : ''}`;

export async function runAbuseBench(opts: AbuseBenchOptions): Promise<{ report: AbuseBenchReport; clean: boolean }> {
  const { log } = opts;
  if (!fs.existsSync(mainScript)) throw new Error(`${mainScript} is missing: run \`npm run build\` first`);
  const limit = openFileLimit();
  // Both ends of each slow connection are open files, in two processes with the same limit; leave room for the rest.
  if (Number.isFinite(limit) && opts.slowConnections + 500 > limit)
    throw new Error(`--slow ${opts.slowConnections}: more than this shell's open-file limit allows (ulimit -n ${limit}, less 500 for the rest)`);
  const members = Math.max(opts.voters + 2, Math.min(opts.slowConnections, 5000), 10);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-abuse-'));
  let server: ChildServer | null = null;
  try {
    const seeded = await seedBenchOrganisation({ dataDir, databaseUrl: undefined }, { members, statements: 1 });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MASSLINE_RATE_LIMITS: 'on',
      MASSLINE_LOG_LEVEL: 'error',
      MASSLINE_TRUST_PROXY: '127.0.0.1',
      MASSLINE_REQUEST_TIMEOUT_MS: String(opts.requestTimeoutMs),
      MASSLINE_HEADERS_TIMEOUT_MS: String(Math.max(100, Math.floor(opts.requestTimeoutMs / 2))),
    };
    for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_ROLE']) delete env[k];
    server = await startChildServer(mainScript, ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], { env });
    log(
      `abuse bench — node ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg()[0]!.toFixed(2)}, open-file limit ${limit}; server at ${server.url} (SQLite, request limits at their defaults, ` +
        `request timeout ${opts.requestTimeoutMs} ms); ${members} members`,
    );
    const org = await issueThroughTheApi(server.url, seeded, 40);
    // Member 0 is the organisation's admin; member 1 loops; the voters are the next ones.
    const voters = Array.from({ length: opts.voters }, (_, i) => i + 2);
    const alone = await vote(server.url, org, voters, opts.votesPerSecond, opts.seconds, 'alone');
    log(`[votes alone] ${opts.voters} members, ${opts.votesPerSecond} votes/s: ${show(alone)}`);

    // The looping member runs in a process of its own (started a moment before the votes), so that its requests do not delay the voters' own event loop.
    const looping = loopInChild(server.url, org.orgId, org.issueId, org.sessionTokens[1]!, opts.loops, opts.seconds + 1);
    await new Promise((r) => setTimeout(r, 500));
    const beside = await vote(server.url, org, voters, opts.votesPerSecond, opts.seconds, 'beside');
    const looper = await looping;
    log(`[votes beside ${opts.loops} loop${opts.loops === 1 ? '' : 's'} of one member over every model route] ${show(beside)}`);
    log(
      `[the looping member] ${looper.requests} requests, ${looper.perSecond}/s, answered ${JSON.stringify(looper.statusCodes)}; by route ${JSON.stringify(looper.byRoute)}`,
    );

    // The slow connections come from the members who do not vote, so the voters' own limits are theirs.
    const quiet = Array.from({ length: members - opts.voters - 2 }, (_, i) => i + opts.voters + 2);
    const slowing = slowBodies(server.url, org, quiet.length > 0 ? quiet : [1], opts.slowConnections, opts.requestTimeoutMs * 3 + 10_000);
    const during = await vote(server.url, org, voters, opts.votesPerSecond, Math.max(opts.seconds, Math.ceil(opts.requestTimeoutMs / 1000) + 2), 'slow');
    const slow = await slowing;
    log(
      `[slow bodies] ${slow.opened} connections promising 1,000 bytes and sending 10: ${slow.closedByServer} closed by the server (after p50 ${slow.closedAfterMs.p50} ms, p99 ${slow.closedAfterMs.p99} ms, max ${slow.closedAfterMs.max} ms; ` +
        `answered ${JSON.stringify(slow.answers)}), ${slow.stillOpen} still open at the end`,
    );
    log(`[votes beside the slow bodies] ${show(during)}`);

    const login = await logins(server.url, opts.logins, opts.loginAddresses);
    log(
      `[logins] ${login.attempts} wrong passwords against one account from ${login.addresses} addresses: ${login.checked} checked, ${login.refused} refused (429); then the right password: ${login.rightPasswordAfter}`,
    );

    const serverErrors = server.stderr().trim();
    if (serverErrors) log(`the server wrote to stderr:\n${serverErrors.split('\n').slice(-20).join('\n')}`);
    const report: AbuseBenchReport = {
      loadavg: round2(os.loadavg()[0]!),
      alone,
      beside: { ...beside, loops: opts.loops, looper },
      slowBodies: { ...during, connections: opts.slowConnections, requestTimeoutMs: opts.requestTimeoutMs, ...slow },
      logins: login,
    };
    const clean = slow.stillOpen === 0 && Object.keys(alone.failed).length === 0 && Object.keys(beside.failed).length === 0 && login.rightPasswordAfter === 429;
    return { report, clean };
  } finally {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const positive = (x: string) => /^\d+$/.test(x) && Number(x) > 0;

/** The command line's strings → options; a string is the usage error to report. */
export function parseAbuseBenchOptions(raw: {
  seconds: string;
  loops: string;
  voters: string;
  votesPerSecond: string;
  slow: string;
  requestTimeout: string;
  logins: string;
  loginAddresses: string;
}): Omit<AbuseBenchOptions, 'log'> | string {
  for (const [flag, value] of [
    ['--seconds', raw.seconds],
    ['--loops', raw.loops],
    ['--voters', raw.voters],
    ['--votes-per-second', raw.votesPerSecond],
    ['--slow', raw.slow],
    ['--request-timeout', raw.requestTimeout],
    ['--logins', raw.logins],
    ['--login-addresses', raw.loginAddresses],
  ] as const) {
    if (!positive(value)) return `${flag}: a positive integer`;
  }
  if (Number(raw.seconds) > 600) return '--seconds: at most 600';
  if (Number(raw.loops) > 50) return '--loops: at most 50';
  // A voter's votes stay under the vote limit (120 a minute per member): at most one a second each.
  if (Number(raw.votesPerSecond) > Number(raw.voters))
    return '--votes-per-second: at most one a second per voter (--voters), under the vote limit of 120 a minute';
  if (Number(raw.slow) > 50_000) return '--slow: at most 50000';
  if (Number(raw.requestTimeout) < 100 || Number(raw.requestTimeout) > 60_000) return '--request-timeout: milliseconds from 100 to 60000';
  if (Number(raw.loginAddresses) > 1_000_000) return '--login-addresses: at most 1000000';
  return {
    seconds: Number(raw.seconds),
    loops: Number(raw.loops),
    voters: Number(raw.voters),
    votesPerSecond: Number(raw.votesPerSecond),
    slowConnections: Number(raw.slow),
    requestTimeoutMs: Number(raw.requestTimeout),
    logins: Number(raw.logins),
    loginAddresses: Number(raw.loginAddresses),
  };
}
