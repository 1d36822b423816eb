/**
 * `massline bench-pages` (`npm run bench:pages`): how long the pages that read the model take to
 * load in a browser, on the demo.
 *
 * The built server (`massline serve --demo`) runs as a child process on loopback, with request
 * limits off (MASSLINE_RATE_LIMITS=off), over a fresh data directory (the demo is built there on
 * its first run: a minute or two) or over `--data-dir`, kept between runs. Chromium (Debian's, at
 * /usr/bin/chromium, driven by playwright-core, headless) signs in as the demo organiser through
 * the API (the session cookie lands in the browser's context, and no page's scripts are fetched
 * before the first load), then loads each page `loads` times, one after another, in the same tab:
 * the first load of the first page with nothing cached in the browser, the others with the
 * scripts cached as a returning reader has them.
 *
 * A load is timed by the browser itself: from navigation start (performance.now() counts from it)
 * until the page shows all its content once its data arrived, checked at every animation frame
 * (e.g. for the health page: the plane, every issue's card with its history drawn, every chart
 * at the width of its box, the changes, and nothing still loading); and, on the way, when its first figures were on screen (for the
 * health page: the organisation's card and the issues' cards). With each load come the page's API
 * requests, from the browser's Resource Timing: how many, the sum of their durations, when the
 * first one started and when the last one ended; every API answer the page receives (its
 * 'response' events) must be below 400, or the load fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, Response } from 'playwright-core';
import { pathOf, routeTable } from '../../contract/route-table.js';

export const CHROMIUM = '/usr/bin/chromium';

/** What a page shows once its data arrived: every `present` selector matches, no `absent` one does, and each pair of `same` matches as often. */
interface ReadySpec {
  present: string[];
  absent: string[];
  same: [string, string][];
  /** At least one of these matches (empty: no condition). */
  anyOf: string[];
  /**
   * Every chart drawn at the width of its box: a chart is first drawn at a default width, then
   * again once its box was measured (src/web/charts/use-width.ts); the page is drawn after that.
   */
  chartsAtWidth: boolean;
}

interface BenchPage {
  name: string;
  path: string;
  what: string;
  /** The page's figures on screen: the first of what it shows once its first data came. */
  shown: ReadySpec;
  /** The whole page drawn: the load's end. */
  ready: ReadySpec;
}

/** Anything still loading, or an error notice, in the page's main content. */
const stillLoading = ['main .state--loading', 'main [aria-busy="true"]'];

export const benchPages: readonly BenchPage[] = [
  {
    name: 'health',
    path: '/organise/health',
    what: "the plane, every issue's card with its history drawn, and the changes",
    shown: { present: ['#org-health-heading', '.issue-health .figures'], absent: [], same: [], anyOf: [], chartsAtWidth: false },
    ready: {
      present: ['main h1', '.plot--plane svg[role="img"]', '.issue-health .figures', '#changes-heading'],
      absent: stillLoading,
      same: [['.issue-health', '.issue-health .plot--history svg[role="img"]']],
      anyOf: [],
      chartsAtWidth: true,
    },
  },
  {
    name: 'principal',
    path: '/organise/principal',
    what: 'the ranking with its reasons, and the united front of the principal issue',
    shown: { present: ['#ranking-heading'], absent: [], same: [], anyOf: ['.ranking__item .reasons', 'main .state--empty'], chartsAtWidth: false },
    ready: {
      present: ['main h1', '#ranking-heading', '#front-heading'],
      absent: stillLoading,
      same: [],
      anyOf: ['.ranking__item .reasons', 'main .state--empty'],
      chartsAtWidth: true,
    },
  },
  {
    name: 'my-input',
    path: '/me/input',
    what: "what became of the reader's statements, votes and reports",
    shown: { present: ['main h1'], absent: [], same: [], anyOf: ['#statements-heading', 'main .state--empty'], chartsAtWidth: false },
    ready: { present: ['main h1'], absent: stillLoading, same: [], anyOf: ['#statements-heading', 'main .state--empty'], chartsAtWidth: true },
  },
];

export interface PagesBenchOptions {
  loads: number;
  /** Names among benchPages. */
  pages: string[];
  /** Keep the demo in this folder (built on first use); null: a temporary folder, removed after. */
  dataDir: string | null;
  /** One load gives up after this long (a failure). */
  loadTimeoutSeconds: number;
  log: (line: string) => void;
}

/** The API requests of one load. */
export interface ApiFigures {
  requests: number;
  /** The sum of the requests' durations. */
  totalMs: number;
  /** When the first one started, from navigation start: the document and the scripts before it. */
  firstStartMs: number;
  /** When the last one ended, from navigation start. */
  lastEndMs: number;
}

export interface RouteFigures {
  /** Requests to this route per load (over the warm loads, the median). */
  perLoad: number;
  p50Ms: number;
  maxMs: number;
}

export interface PageFigures {
  path: string;
  loads: number;
  failures: number;
  /** The first load (cold), then p50, p99 and max over the others (warm). */
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Every load's time in order, the first first. */
  loadsMs: number[];
  /** When the page's first figures were on screen: the first load, and the median of the others. */
  shown: { firstMs: number; p50Ms: number };
  api: {
    first: ApiFigures;
    /** The first load's requests in the order they started: when (from navigation start) and how long each took. */
    firstCalls: { route: string; startMs: number; ms: number }[];
    /** Medians over the warm loads. */
    warm: ApiFigures;
    /** Each route the page requested ("GET /api/orgs/:id/health"), over the warm loads. */
    routes: Record<string, RouteFigures>;
  };
}

export interface PagesBenchReport {
  node: string;
  cpus: number;
  loadavg: { start: number[]; end: number[] };
  serverStartSeconds: number;
  demoBuilt: boolean;
  pages: Record<string, PageFigures>;
}

export interface PagesBenchResult {
  report: PagesBenchReport;
  /** False when any load failed. */
  clean: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** This file is dist/cli/bench/pages.js; the command is dist/cli/main.js. */
const mainScript = path.resolve(here, '../main.js');
/** The pages the server serves. */
const builtPages = path.resolve(here, '../../web/index.html');

/** The value at quantile q of sorted numbers (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: readonly number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** An API path with its ids taken out: /api/orgs/:id/issues/:id/health/trail. */
export function routeOf(pathname: string): string {
  return pathname.replace(/\/(orgs|issues|statements|line-versions|members|reports|invites|analyses)\/[^/]+/g, '/$1/:id');
}

interface DemoServer {
  url: string;
  email: string;
  password: string;
  built: boolean;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** `massline serve --demo` on a free loopback port, request limits off; resolves once it printed how to log in. */
async function startDemoServer(dataDir: string, timeoutMs: number): Promise<DemoServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_RATE_LIMITS: 'off', MASSLINE_LOG_LEVEL: 'warn' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_ROLE']) delete env[k];
  const child = spawn(process.execPath, [mainScript, 'serve', '--demo', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = /serving on (http:\/\/\S+)[\s\S]*log in as (\S+) \/ (\S+)[\s\S]*Members join through/;
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo server did not start within ${timeoutMs / 1000} s\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited (${code ?? signal}) before serving\n${stdout}\n${stderr}`));
    });
  });
  return {
    url: m[1]!,
    email: m[2]!,
    password: m[3]!,
    built: (stderr + stdout).includes('First run: creating the demo'),
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function launchBenchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    const where =
      process.env.CI === 'true'
        ? 'CI must install it (.ci/run: apt-get install -y chromium)'
        : 'install it with: apt-get update && apt-get install -y chromium';
    throw new Error(`bench-pages needs Chromium at ${CHROMIUM}; ${where}.`);
  }
  // playwright-core is a development dependency: an install without them runs the server, not the benches.
  const { chromium } = await import('playwright-core').catch(() => {
    throw new Error('bench-pages needs the development dependency playwright-core (npm install in a checkout)');
  });
  // A fresh temporary profile per launch; no background traffic to disturb the timings.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The browser's globals the check below reads (the command is compiled without the DOM's types). */
interface InPageElement {
  textContent: string | null;
  clientWidth: number;
  getAttribute(name: string): string | null;
  closest(selector: string): InPageElement | null;
}

interface InPage {
  document: { querySelectorAll(s: string): ArrayLike<InPageElement>; querySelector(s: string): InPageElement | null };
  getComputedStyle(el: InPageElement): { paddingLeft: string; paddingRight: string };
  performance: { now(): number; getEntriesByType(type: string): { name: string; initiatorType?: string; startTime: number; responseEnd?: number }[] };
}

interface ReadyMark {
  readyMs: number;
  error: string | null;
  api: { path: string; startMs: number; endMs: number }[];
}

/**
 * Run in the page at every animation frame: false until the page shows its content, then the
 * time from navigation start and the API requests it made (or the error notice it shows).
 * Self-contained: Playwright sends its source to the page.
 */
function readyInPage(spec: ReadySpec): ReadyMark | false {
  const g = globalThis as unknown as InPage;
  const count = (s: string) => g.document.querySelectorAll(s).length;
  const api = () =>
    g.performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'fetch' && new URL(e.name).pathname.startsWith('/api/'))
      .map((e) => ({ path: new URL(e.name).pathname, startMs: e.startTime, endMs: e.responseEnd ?? e.startTime }));
  const error = g.document.querySelector('main .notice--error');
  if (error) return { readyMs: g.performance.now(), error: error.textContent ?? 'an error notice', api: api() };
  if (spec.present.some((s) => count(s) === 0)) return false;
  if (spec.absent.some((s) => count(s) > 0)) return false;
  if (spec.same.some(([a, b]) => count(a) !== count(b))) return false;
  if (spec.anyOf.length > 0 && spec.anyOf.every((s) => count(s) === 0)) return false;
  if (spec.chartsAtWidth) {
    for (const svg of Array.from(g.document.querySelectorAll('.plot svg[role="img"]'))) {
      const box = svg.closest('.plot');
      if (!box) continue;
      const style = g.getComputedStyle(box);
      // As use-width.ts measures it: the box's content width, at least 200.
      const width = Math.max(200, Math.floor(box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)));
      if (Math.abs(Number(svg.getAttribute('width')) - width) > 1) return false;
    }
  }
  return { readyMs: g.performance.now(), error: null, api: api() };
}

interface Load {
  ms: number;
  shownMs: number;
  api: ApiFigures;
  calls: { route: string; startMs: number; ms: number }[];
  failure: string | null;
}

async function loadOnce(page: Page, url: string, p: BenchPage, timeoutMs: number): Promise<Load> {
  const refused: string[] = [];
  const onResponse = (res: Response) => {
    const u = new URL(res.url());
    if (u.pathname.startsWith('/api/') && res.status() >= 400) refused.push(`${res.request().method()} ${u.pathname} answered ${res.status()}`);
  };
  page.on('response', onResponse);
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    const markOf = async (spec: ReadySpec) => {
      const handle = await page.waitForFunction(readyInPage, spec, { polling: 'raf', timeout: timeoutMs });
      const mark = (await handle.jsonValue()) as ReadyMark;
      await handle.dispose();
      return mark;
    };
    const shown = await markOf(p.shown);
    const mark = shown.error !== null ? shown : await markOf(p.ready);
    const calls = mark.api.map((c) => ({ route: `GET ${routeOf(c.path)}`, startMs: c.startMs, ms: c.endMs - c.startMs }));
    const api: ApiFigures = {
      requests: mark.api.length,
      totalMs: round1(calls.reduce((s, c) => s + c.ms, 0)),
      firstStartMs: mark.api.length > 0 ? round1(Math.min(...mark.api.map((c) => c.startMs))) : Number.NaN,
      lastEndMs: round1(Math.max(0, ...mark.api.map((c) => c.endMs))),
    };
    const failure = mark.error !== null ? `the page shows an error: ${mark.error}` : refused.length > 0 ? refused.join('; ') : null;
    return { ms: mark.readyMs, shownMs: shown.readyMs, api, calls, failure };
  } catch (e) {
    return {
      ms: Number.NaN,
      shownMs: Number.NaN,
      api: { requests: 0, totalMs: 0, firstStartMs: 0, lastEndMs: 0 },
      calls: [],
      failure: e instanceof Error ? e.message.split('\n')[0]! : String(e),
    };
  } finally {
    page.off('response', onResponse);
  }
}

function figuresOf(p: BenchPage, loads: Load[]): PageFigures {
  const ok = loads.filter((l) => l.failure === null);
  const first = loads[0]!;
  const warm = loads.slice(1).filter((l) => l.failure === null);
  const sorted = warm.map((l) => l.ms).sort((a, b) => a - b);
  const routes: Record<string, RouteFigures> = {};
  const names = [...new Set(warm.flatMap((l) => l.calls.map((c) => c.route)))].sort();
  for (const route of names) {
    const times = warm.flatMap((l) => l.calls.filter((c) => c.route === route).map((c) => c.ms)).sort((a, b) => a - b);
    routes[route] = {
      perLoad: median(warm.map((l) => l.calls.filter((c) => c.route === route).length)),
      p50Ms: round1(quantile(times, 0.5)),
      maxMs: round1(times[times.length - 1]!),
    };
  }
  return {
    path: p.path,
    loads: loads.length,
    failures: loads.length - ok.length,
    firstMs: round1(first.ms),
    p50Ms: round1(quantile(sorted, 0.5)),
    p99Ms: round1(quantile(sorted, 0.99)),
    maxMs: round1(sorted[sorted.length - 1] ?? Number.NaN),
    loadsMs: loads.map((l) => round1(l.ms)),
    shown: { firstMs: round1(first.shownMs), p50Ms: round1(median(warm.map((l) => l.shownMs))) },
    api: {
      first: first.api,
      firstCalls: [...first.calls].sort((a, b) => a.startMs - b.startMs).map((c) => ({ route: c.route, startMs: round1(c.startMs), ms: round1(c.ms) })),
      warm: {
        requests: median(warm.map((l) => l.api.requests)),
        totalMs: round1(median(warm.map((l) => l.api.totalMs))),
        firstStartMs: round1(median(warm.map((l) => l.api.firstStartMs))),
        lastEndMs: round1(median(warm.map((l) => l.api.lastEndMs))),
      },
      routes,
    },
  };
}

function table(report: PagesBenchReport): string[] {
  const header = [
    'page',
    'loads',
    'first ms',
    'p50 ms',
    'p99 ms',
    'max ms',
    'figures shown ms',
    'API requests',
    'API total ms',
    'first API start ms',
    'last API end ms',
    'failed',
  ];
  const rows = Object.entries(report.pages).map(([name, f]) => [
    name,
    String(f.loads),
    String(f.firstMs),
    String(f.p50Ms),
    String(f.p99Ms),
    String(f.maxMs),
    `${f.shown.firstMs} / ${f.shown.p50Ms}`,
    `${f.api.first.requests} / ${f.api.warm.requests}`,
    `${f.api.first.totalMs} / ${f.api.warm.totalMs}`,
    `${f.api.first.firstStartMs} / ${f.api.warm.firstStartMs}`,
    `${f.api.first.lastEndMs} / ${f.api.warm.lastEndMs}`,
    String(f.failures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    '(p50, p99 and max over the loads after the first; figures shown and API figures: the first load / the median of the others)',
  ];
}

export async function runPagesBench(opts: PagesBenchOptions): Promise<PagesBenchResult> {
  const { log } = opts;
  if (!fs.existsSync(mainScript)) throw new Error(`${mainScript} is missing: run \`npm run build\` first`);
  if (!fs.existsSync(builtPages)) throw new Error(`${builtPages} is missing: run \`npm run build\` first (the pages are served from dist/web)`);
  const pages = benchPages.filter((p) => opts.pages.includes(p.name));
  const loadavgStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log(
    `Pages bench — node ${process.version}, ${os.cpus().length} cpus, load average ${loadavgStart.join(' ')}; ${pages.map((p) => p.name).join(', ')}, ${opts.loads} loads each, the first cold`,
  );
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-pages-'));
  let server: DemoServer | null = null;
  let browser: Browser | null = null;
  const report: PagesBenchReport = {
    node: process.version,
    cpus: os.cpus().length,
    loadavg: { start: loadavgStart, end: [] },
    serverStartSeconds: 0,
    demoBuilt: false,
    pages: {},
  };
  let clean = true;
  try {
    const startedAt = performance.now();
    [server, browser] = await Promise.all([startDemoServer(dataDir, 900_000), launchBenchChromium()]);
    report.serverStartSeconds = round1((performance.now() - startedAt) / 1000);
    report.demoBuilt = server.built;
    log(`demo server at ${server.url} ${server.built ? 'built the demo and ' : ''}started in ${report.serverStartSeconds} s (data in ${dataDir})`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const login = await context.request.post(`${server.url}${pathOf(routeTable.login, {})}`, {
      data: { organisation: 'demo', email: server.email, password: server.password },
    });
    if (!login.ok()) throw new Error(`signing in as the demo organiser answered ${login.status()}: ${await login.text()}`);
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    for (const p of pages) {
      const loads: Load[] = [];
      for (let k = 0; k < opts.loads; k++) {
        const load = await loadOnce(page, server.url + p.path, p, opts.loadTimeoutSeconds * 1000);
        loads.push(load);
        log(
          `${p.name} load ${k + 1}${k === 0 ? ' (first)' : ''}: ${load.failure ? `FAILED: ${load.failure}` : `${round1(load.ms)} ms (figures shown at ${round1(load.shownMs)} ms); ${load.api.requests} API requests, ${load.api.totalMs} ms in all, the first started at ${load.api.firstStartMs} ms, the last ended at ${load.api.lastEndMs} ms`}`,
        );
        if (load.failure) clean = false;
      }
      const f = figuresOf(p, loads);
      report.pages[p.name] = f;
      log(`${p.name} (${p.what}): first ${f.firstMs} ms; then p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms over ${loads.length - 1} loads`);
      log(`  the first load's requests: ${f.api.firstCalls.map((c) => `${c.route} at ${c.startMs} ms took ${c.ms} ms`).join('; ')}`);
      for (const [route, r] of Object.entries(f.api.routes)) log(`  ${route}: ${r.perLoad} per load, p50 ${r.p50Ms} ms, max ${r.maxMs} ms`);
    }
    await context.close();
  } finally {
    await browser?.close();
    const stopped = server;
    await stopped?.stop();
    const serverErrors = stopped?.stderr().trim();
    if (serverErrors) log(`the server wrote to stderr:\n${serverErrors.split('\n').slice(-20).join('\n')}`);
    if (opts.dataDir === null) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  report.loadavg.end = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log('');
  for (const line of table(report)) log(line);
  log(`load average at the end: ${report.loadavg.end.join(' ')}`);
  if (!clean) log('SOME LOADS FAILED (see above): their figures do not count.');
  return { report, clean };
}

/** The command line's strings → options; a string is the usage error to report. */
export function parsePagesBenchOptions(raw: { loads: string; pages?: string; dataDir?: string; loadTimeout: string }): Omit<PagesBenchOptions, 'log'> | string {
  if (!/^\d+$/.test(raw.loads) || Number(raw.loads) < 2) return '--loads: a whole number, at least 2 (the first load, then the warm ones)';
  if (Number(raw.loads) > 10_000) return '--loads: at most 10000';
  if (!/^\d+$/.test(raw.loadTimeout) || Number(raw.loadTimeout) < 1) return '--load-timeout: a positive integer (seconds)';
  const pages = raw.pages === undefined ? benchPages.map((p) => p.name) : raw.pages.split(',').map((p) => p.trim());
  const unknown = pages.find((p) => !benchPages.some((b) => b.name === p));
  if (pages.length === 0 || unknown !== undefined)
    return `--pages: names among ${benchPages.map((p) => p.name).join(', ')}, separated by commas${unknown !== undefined ? ` (not ${JSON.stringify(unknown)})` : ''}`;
  if (new Set(pages).size !== pages.length) return '--pages: each page once';
  if (raw.dataDir !== undefined && raw.dataDir.trim() === '') return '--data-dir: a folder';
  return {
    loads: Number(raw.loads),
    pages,
    dataDir: raw.dataDir === undefined ? null : path.resolve(raw.dataDir),
    loadTimeoutSeconds: Number(raw.loadTimeout),
  };
}
