/**
 * `massline bench`, text part: the similarity index at 10,000 statements, as a member types.
 *
 * Statements: every comment of the English Pol.is conversations in shared/data/polis, then
 * splices of two of them (the words of one up to a random point, the words of another from a
 * random point) up to the size asked, all seeded. Typed texts are further splices, not in the
 * index; each is typed one character at a time and every prefix is a query for the 5 closest
 * (one query per keystroke). Also timed: adding the statements, and the first query after adding
 * one more (which recomputes the vector lengths).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createSimilarityIndex, guessLanguage } from '../../engine/index.js';
import { randomBelow, randomStateFromSeed, type RandomState } from '../../engine/random.js';
import { readPolisConversation } from '../polis/format.js';

export interface TextBenchOptions {
  /** Statements in the index (default 10,000). */
  statements?: number;
  /** Texts typed character by character (default 50). */
  typed?: number;
  log: (line: string) => void;
}

export interface TextBenchResult {
  statements: number;
  typedTexts: number;
  queries: number;
  k: number;
  buildSeconds: number;
  addMicrosecondsPerStatement: number;
  /** Wall-clock time of one query, the latency a member sees. */
  keystrokeMs: { p50: number; p99: number; max: number };
  /** CPU time of the same queries (process.cpuUsage): the work itself, without waiting for a busy machine's scheduler. */
  keystrokeCpuMs: { p50: number; p99: number };
  firstQueryAfterAddMs: { p50: number; p99: number };
  /** One-minute load average when the bench ran (with more runnable processes than cpus, wall-clock tails grow). */
  loadAverage: number;
  cpus: number;
  /** Heap and array buffers held by the index (null without --expose-gc). */
  heapMB: number | null;
}

export const TEXT_BENCH_STATEMENTS = 10_000;
const K = 5;
const AFTER_ADD_ROUNDS = 50;

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/cli/bench → repository root → ../shared/data/polis. */
const polisRoot = path.resolve(here, '../../../../shared/data/polis');

function englishComments(): string[] {
  if (!fs.existsSync(polisRoot)) throw new Error(`${polisRoot} is missing: the text bench draws its statements from it`);
  const texts = new Set<string>();
  for (const name of fs.readdirSync(polisRoot).sort()) {
    if (!fs.existsSync(path.join(polisRoot, name, 'comments.csv'))) continue;
    const bodies = readPolisConversation(path.join(polisRoot, name)).comments.map((c) => c.body.trim());
    if (guessLanguage(bodies) !== 'en') continue;
    for (const b of bodies) if (b.length > 0) texts.add(b);
  }
  return [...texts];
}

function splice(pool: readonly string[][], random: RandomState): string {
  const a = pool[randomBelow(random, pool.length)]!;
  const b = pool[randomBelow(random, pool.length)]!;
  return [...a.slice(0, 1 + randomBelow(random, a.length)), ...b.slice(randomBelow(random, b.length))].join(' ');
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
/** JavaScript heap plus the typed arrays' buffers, which live outside it. */
function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

export function runTextBench(opts: TextBenchOptions): TextBenchResult {
  const size = opts.statements ?? TEXT_BENCH_STATEMENTS;
  const typedCount = opts.typed ?? 50;
  const comments = englishComments();
  const pool = comments.map((c) => c.split(/\s+/).filter((w) => w.length > 0));
  const random = randomStateFromSeed(7);
  const statements = comments.slice(0, size);
  while (statements.length < size) statements.push(splice(pool, random));
  const typed = Array.from({ length: typedCount }, () => splice(pool, random));

  gc();
  const heapBefore = memoryInUse();
  const index = createSimilarityIndex({ language: 'en' });
  const buildStarted = performance.now();
  statements.forEach((s, i) => index.add(`s${i}`, s));
  index.query('warm up', K); // indexing includes the first query, which computes every vector length
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  gc();
  const heapMB = typeof (globalThis as { gc?: unknown }).gc === 'function' ? round((memoryInUse() - heapBefore) / 2 ** 20, 1) : null;

  // Warm the JIT on texts that are not measured.
  for (let i = 0; i < 200; i++) index.query(splice(pool, random).slice(0, 1 + (i % 60)), K);

  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (const text of typed) {
    for (let end = 1; end <= text.length; end++) {
      const prefix = text.slice(0, end);
      const cpuStarted = process.cpuUsage();
      const started = performance.now();
      index.query(prefix, K);
      times.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuStarted);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);

  const afterAdd: number[] = [];
  for (let r = 0; r < AFTER_ADD_ROUNDS; r++) {
    index.add(`added${r}`, splice(pool, random));
    const started = performance.now();
    index.query(typed[r % typed.length]!, K);
    afterAdd.push(performance.now() - started);
  }
  afterAdd.sort((a, b) => a - b);

  const result: TextBenchResult = {
    statements: size,
    typedTexts: typed.length,
    queries: times.length,
    k: K,
    buildSeconds: round(buildSeconds),
    addMicrosecondsPerStatement: round((buildSeconds * 1e6) / size, 1),
    keystrokeMs: { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(times[times.length - 1]!) },
    keystrokeCpuMs: { p50: round(percentile(cpuTimes, 50)), p99: round(percentile(cpuTimes, 99)) },
    firstQueryAfterAddMs: { p50: round(percentile(afterAdd, 50)), p99: round(percentile(afterAdd, 99)) },
    heapMB,
    loadAverage: round(os.loadavg()[0]!, 2),
    cpus: os.cpus().length,
  };
  opts.log(
    `text similarity, ${size} statements: one keystroke (top ${K}, ${times.length} queries over ${typed.length} typed texts) p50 ${result.keystrokeMs.p50} ms, ` +
      `p99 ${result.keystrokeMs.p99} ms, max ${result.keystrokeMs.max} ms (CPU p50 ${result.keystrokeCpuMs.p50} ms, p99 ${result.keystrokeCpuMs.p99} ms; load ${result.loadAverage} on ${result.cpus} cpus)`,
  );
  opts.log(
    `  first query after adding a statement p50 ${result.firstQueryAfterAddMs.p50} ms, p99 ${result.firstQueryAfterAddMs.p99} ms; ` +
      `indexing ${result.buildSeconds} s (${result.addMicrosecondsPerStatement} µs per statement)` +
      (heapMB === null ? '' : `, memory ${heapMB} MB`),
  );
  return result;
}
