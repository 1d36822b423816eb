/**
 * `massline bench` for the opinion engine: synthetic conversations at three sizes and the real
 * Pol.is conversations, each measured in its own child process (engine-child.ts) so that the
 * peak memory reported is that process's RSS high-water mark. With `baseline`, the numpy
 * re-statement of Pol.is (shared/tools/baseline/baseline.py) runs on the very same input and its
 * seconds are printed beside ours.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EngineBenchOptions {
  /** Sizes as "PARTICIPANTSxSTATEMENTS" or "PARTICIPANTSxSTATEMENTS@DENSITY" (default density 0.05). */
  sizes?: string[];
  /** Also run the numpy baseline on the same inputs. */
  baseline: boolean;
  log: (line: string) => void;
}

export const DEFAULT_BENCH_SIZES = ['10000x500', '50000x1000', '100000x2000'];

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root: this file is dist/cli/bench/engine.js (or src/cli/bench/engine.ts). */
const repositoryRoot = path.resolve(here, '../../..');
const sharedRoot = path.resolve(repositoryRoot, '../shared');
const baselineScript = path.join(sharedRoot, 'tools/baseline/baseline.py');
const polisRoot = path.join(sharedRoot, 'data/polis');
const childScript = path.join(repositoryRoot, 'dist/cli/bench/engine-child.js');
const python = '/usr/bin/python3';

interface SizeSpec {
  participants: number;
  statements: number;
  density: number;
}

function parseSize(spec: string): SizeSpec {
  const match = /^(\d+)x(\d+)(?:@([\d.]+))?$/.exec(spec.trim());
  if (!match) throw new Error(`bad size "${spec}": expected e.g. 100000x2000 or 100000x2000@0.05`);
  return { participants: Number(match[1]), statements: Number(match[2]), density: match[3] ? Number(match[3]) : 0.05 };
}

async function child(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [childScript, ...args], { maxBuffer: 64 * 1024 * 1024 });
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as Record<string, unknown>;
}

interface BaselineResult {
  computeSeconds: number;
  maxrssMB: number;
  k: number;
}

async function baselineOn(input: string): Promise<BaselineResult | { error: string }> {
  try {
    const { stdout } = await run(python, [baselineScript, input], { maxBuffer: 512 * 1024 * 1024 });
    const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as BaselineResult;
    return { computeSeconds: parsed.computeSeconds, maxrssMB: parsed.maxrssMB, k: parsed.k };
  } catch (error) {
    return { error: `baseline failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

function seconds(x: unknown): string {
  return typeof x === 'number' ? `${x.toFixed(3)} s` : '—';
}

export async function runEngineBench(opts: EngineBenchOptions): Promise<object> {
  const { log } = opts;
  if (!fs.existsSync(childScript)) throw new Error(`${childScript} is missing: run \`npm run build\` first`);
  const sizes = (opts.sizes && opts.sizes.length > 0 ? opts.sizes : DEFAULT_BENCH_SIZES).map(parseSize);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-'));
  log(`opinion engine bench — node ${process.version}, ${os.cpus().length} cpus, ${Math.round(os.totalmem() / 2 ** 30)} GB`);
  const synthetic: Record<string, unknown>[] = [];
  try {
    for (const size of sizes) {
      const label = `${size.participants}x${size.statements}@${size.density}`;
      const csv = opts.baseline ? path.join(scratch, `synthetic-${label}.csv`) : undefined;
      const ours = await child(['synthetic', String(size.participants), String(size.statements), String(size.density), '0', ...(csv ? [csv] : [])]);
      const entry: Record<string, unknown> = { size: label, ...ours };
      log(
        `synthetic ${label}: ${String(ours.votes)} votes, cold ${seconds(ours.coldSeconds)}, warm (+1 % votes) ${seconds(ours.warmSeconds)}, ` +
          `after one vote ${seconds(ours.oneVoteSeconds)}, peak RSS ${String(ours.maxRssMB)} MB, k=${String(ours.k)}, planted-group ARI ${String(ours.plantedGroupsAri)}`,
      );
      log(`  phases cold (ms): ${JSON.stringify(ours.coldPhasesMs)}; warm: ${JSON.stringify(ours.warmPhasesMs)}`);
      if (csv) {
        const base = await baselineOn(csv);
        entry.baseline = base;
        if ('computeSeconds' in base && typeof ours.coldSeconds === 'number') {
          const ratio = base.computeSeconds / ours.coldSeconds;
          entry.speedupCold = Math.round(ratio * 100) / 100;
          log(`  numpy baseline: ${seconds(base.computeSeconds)} (peak ${base.maxrssMB} MB, k=${base.k}) → ours is ${ratio.toFixed(2)}× faster cold`);
        } else if ('error' in base) log(`  ${base.error}`);
        fs.rmSync(csv, { force: true });
      }
      synthetic.push(entry);
    }
    const polis: Record<string, unknown>[] = [];
    const conversations = fs.existsSync(polisRoot)
      ? fs
          .readdirSync(polisRoot)
          .filter((name) => fs.existsSync(path.join(polisRoot, name, 'votes.csv')))
          .sort()
      : [];
    for (const name of conversations) {
      const directory = path.join(polisRoot, name);
      const ours = await child(['polis', directory, '7']);
      const entry: Record<string, unknown> = { ...ours };
      let line =
        `${name}: ${String(ours.participants)} participants × ${String(ours.statements)} statements, ${String(ours.votes)} votes, k=${String(ours.k)}: ` +
        `cold ${String(ours.coldMs)} ms, after one vote ${String(ours.afterOneVoteMs)} ms (median of ${String(ours.repeats)})`;
      if (opts.baseline) {
        const base = await baselineOn(directory);
        entry.baseline = base;
        if ('computeSeconds' in base) line += `; numpy baseline ${(base.computeSeconds * 1000).toFixed(1)} ms`;
      }
      log(line);
      polis.push(entry);
    }
    return { machine: { node: process.version, cpus: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30) }, synthetic, polis };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
