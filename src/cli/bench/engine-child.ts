/**
 * One measurement of the opinion engine in a fresh process, so that the process's peak memory
 * (maxRSS) belongs to that measurement alone. Prints one JSON line on stdout.
 *
 *   node dist/cli/bench/engine-child.js synthetic N M DENSITY SEED [CSV_OUT]
 *   node dist/cli/bench/engine-child.js polis DIR [REPEATS]
 *
 * synthetic: builds a conversation like tools/baseline/synth.py (3 latent groups of 50/30/20 %,
 * per-group agree rates ~ Beta(0.7, 0.7) per statement, 20 % passes, cells drawn independently at
 * DENSITY), times a cold analysis (compaction included), adds 1 % new votes, times a warm
 * analysis, then writes the votes as participant,statement,vote to CSV_OUT (after measuring).
 * polis: reads a Pol.is export, times cold analyses and warm analyses after one new vote.
 * Both modes first warm the JIT on a small synthetic conversation (JIT_WARMUP=0 skips it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Analysis, VoteStore } from '../../engine/index.js';
import { analyzeConversation, applyVote, applyVoteAt, createVoteStore, participantRowOf, reservePendingVotes, statementColumnOf } from '../../engine/index.js';
import type { ParticipantRow, StatementColumn, Vote } from '../../engine/index.js';
import { readPolisConversation } from '../polis/format.js';

/** Seeded generator (mulberry32) for the synthetic data; the engine has its own. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (with the shape < 1 boost). */
function gamma(rand: () => number, shape: number): number {
  if (shape < 1) return gamma(rand, shape + 1) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(rand: () => number, a: number, b: number): number {
  const x = gamma(rand, a);
  return x / (x + gamma(rand, b));
}

interface Synthetic {
  store: VoteStore;
  latentGroup: Uint8Array;
  agreeRate: Float64Array;
  rand: () => number;
}

function voteOf(rand: () => number, agreeRate: number): Vote {
  if (rand() < 0.2) return 0;
  return rand() < agreeRate ? 1 : -1;
}

function buildSynthetic(n: number, m: number, density: number, seed: number): Synthetic {
  const rand = mulberry32(seed);
  const store = createVoteStore();
  const latentGroup = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = rand();
    latentGroup[i] = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
  }
  const agreeRate = new Float64Array(3 * m);
  for (let k = 0; k < 3 * m; k++) agreeRate[k] = beta(rand, 0.7, 0.7);
  for (let i = 0; i < n; i++) participantRowOf(store, `p${i}`);
  for (let j = 0; j < m; j++) statementColumnOf(store, `s${j}`);
  reservePendingVotes(store, Math.ceil(n * m * density * 1.01) + 16);
  const logSkip = Math.log(1 - density);
  for (let i = 0; i < n; i++) {
    // Bernoulli(density) cells by geometric skips: O(votes), distinct and in column order
    let j = Math.floor(Math.log(1 - rand()) / logSkip);
    while (j < m) {
      applyVoteAt(store, i as ParticipantRow, j as StatementColumn, voteOf(rand, agreeRate[latentGroup[i]! * m + j]!));
      j += 1 + Math.floor(Math.log(1 - rand()) / logSkip);
    }
  }
  return { store, latentGroup, agreeRate, rand };
}

function addNewVotes(synthetic: Synthetic, count: number, n: number, m: number): void {
  const { store, rand } = synthetic;
  for (let k = 0; k < count; k++) {
    const i = Math.floor(rand() * n);
    const j = Math.floor(rand() * m);
    applyVoteAt(store, i as ParticipantRow, j as StatementColumn, voteOf(rand, synthetic.agreeRate[synthetic.latentGroup[i]! * m + j]!));
  }
}

function writeCsv(store: VoteStore, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'participant,statement,vote\n');
  const { rowStart, column, value, rowCount } = store.matrix;
  let chunk: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) chunk.push(`${r},${column[k]!},${value[k]!}\n`);
    if (chunk.length > 100_000) {
      fs.writeSync(fd, chunk.join(''));
      chunk = [];
    }
  }
  fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
}

function phaseTimes(analysis: Analysis): Record<string, number> {
  return Object.fromEntries(Object.entries(analysis.timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

/**
 * Warm the JIT as a long-running analysis worker would be: two rounds of cold, warm and
 * one-vote analyses on a small conversation (20k votes), so the measurement below times
 * optimised code rather than V8's first tiers. Skipped with JIT_WARMUP=0.
 */
function warmUpJit(): number {
  if (process.env.JIT_WARMUP === '0') return 0;
  const start = performance.now();
  for (let round = 0; round < 2; round++) {
    const small = buildSynthetic(4000, 100, 0.05, 1000 + round);
    const cold = analyzeConversation(small.store);
    addNewVotes(small, 200, 4000, 100);
    const warm = analyzeConversation(small.store, {}, cold);
    addNewVotes(small, 1, 4000, 100);
    analyzeConversation(small.store, {}, warm);
  }
  return (performance.now() - start) / 1000;
}

function synthetic(args: string[]): object {
  const [n, m, density, seed] = [Number(args[0]), Number(args[1]), Number(args[2]), Number(args[3] ?? 0)];
  const csvOut = args[4];
  const jitWarmUpSeconds = warmUpJit();
  const build0 = performance.now();
  const data = buildSynthetic(n, m, density, seed);
  const buildSeconds = (performance.now() - build0) / 1000;
  const clock = (): number => performance.now();
  const t0 = performance.now();
  const cold = analyzeConversation(data.store, { clock });
  const coldSeconds = (performance.now() - t0) / 1000;
  const newVotes = Math.round(cold.counts.votes * 0.01);
  addNewVotes(data, newVotes, n, m);
  const t1 = performance.now();
  const warm = analyzeConversation(data.store, { clock }, cold);
  const warmSeconds = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  addNewVotes(data, 1, n, m);
  analyzeConversation(data.store, {}, warm);
  const oneVoteSeconds = (performance.now() - t2) / 1000;
  const peak = maxRssMB();
  // agreement with the planted groups (sanity: the engine should recover them)
  const truth: number[] = [];
  const found: number[] = [];
  for (let r = 0; r < n; r++) {
    if (cold.groupOfParticipant[r]! < 0) continue;
    truth.push(data.latentGroup[r]!);
    found.push(cold.groupOfParticipant[r]!);
  }
  const result = {
    kind: 'synthetic',
    participants: n,
    statements: m,
    density,
    votes: cold.counts.votes,
    newVotes,
    buildSeconds: round(buildSeconds),
    jitWarmUpSeconds: round(jitWarmUpSeconds),
    coldSeconds: round(coldSeconds),
    warmSeconds: round(warmSeconds),
    oneVoteSeconds: round(oneVoteSeconds),
    k: cold.counts.groups,
    warmK: warm.counts.groups,
    pcaIterations: { cold: cold.pca.iterations, warm: warm.pca.iterations },
    coldPhasesMs: phaseTimes(cold),
    warmPhasesMs: phaseTimes(warm),
    maxRssMB: Math.round(peak),
    plantedGroupsAri: round(adjustedRand(truth, found)),
  };
  if (csvOut) writeCsv(data.store, csvOut);
  return result;
}

function adjustedRand(a: number[], b: number[]): number {
  // local copy keeps this file's only engine dependency the public API
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  const joint = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  a.forEach((x, i) => {
    const y = b[i]!;
    joint.set(`${x}|${y}`, (joint.get(`${x}|${y}`) ?? 0) + 1);
    ra.set(x, (ra.get(x) ?? 0) + 1);
    rb.set(y, (rb.get(y) ?? 0) + 1);
  });
  let index = 0;
  for (const v of joint.values()) index += pairs(v);
  let sa = 0;
  for (const v of ra.values()) sa += pairs(v);
  let sb = 0;
  for (const v of rb.values()) sb += pairs(v);
  const expected = (sa * sb) / pairs(a.length);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Minimal Pol.is export reader: latest vote per cell in timestamp order, moderated-out statements. */
function readPolis(directory: string): { votes: [string, string, number][]; moderatedOut: string[] } {
  const c = readPolisConversation(directory);
  return {
    votes: c.votes.map((v) => [v.voterId, v.commentId, v.vote] as [string, string, number]),
    moderatedOut: c.comments.filter((m) => m.moderated === -1).map((m) => m.id),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function polis(args: string[]): object {
  const directory = args[0]!;
  const repeats = Number(args[1] ?? 7);
  const jitWarmUpSeconds = warmUpJit();
  const { votes, moderatedOut } = readPolis(directory);
  const cold: number[] = [];
  const warm: number[] = [];
  let last: Analysis | null = null;
  for (let rep = 0; rep < repeats; rep++) {
    const store = createVoteStore();
    for (const [p, s, v] of votes) applyVote(store, p, s, v);
    const t0 = performance.now();
    const analysis = analyzeConversation(store, { moderatedOut });
    cold.push(performance.now() - t0);
    // a new vote, then the analysis a participant waits for
    const [p, s] = votes[(rep * 7919) % votes.length]!;
    applyVote(store, p, s, rep % 2 === 0 ? 1 : -1);
    const t1 = performance.now();
    last = analyzeConversation(store, { moderatedOut }, analysis);
    warm.push(performance.now() - t1);
  }
  return {
    kind: 'polis',
    conversation: path.basename(directory),
    participants: last?.counts.participants,
    statements: last?.counts.statements,
    votes: last?.counts.votes,
    k: last?.counts.groups,
    coldMs: Math.round(median(cold) * 10) / 10,
    afterOneVoteMs: Math.round(median(warm) * 10) / 10,
    repeats,
    jitWarmUpSeconds: round(jitWarmUpSeconds),
    maxRssMB: Math.round(maxRssMB()),
  };
}

const [mode, ...rest] = process.argv.slice(2);
const output = mode === 'synthetic' ? synthetic(rest) : mode === 'polis' ? polis(rest) : { error: `unknown mode ${mode}` };
process.stdout.write(`${JSON.stringify(output)}\n`);
