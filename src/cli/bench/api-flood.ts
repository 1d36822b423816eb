/**
 * The anonymous flood of the API bench, as a child process of its own so that its requests do
 * not share an event loop with the vote load they run beside: `node api-flood.js URL ORG RATE
 * SECONDS` sends RATE requests a second over 20 connections for SECONDS, cycling through a
 * receipt of a criticism that does not exist, a spend of a token that is not one, and the
 * organisation's published keys, and prints what it was answered as one JSON line.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { loadAutocannon } from './load-autocannon.js';

/** What a flood sent, and what it was answered. */
export interface FloodFigures {
  rate: number;
  sent: number;
  statusCodes: Record<string, number>;
  errors: number;
  /** CPU seconds the flood's own process used: on a shared machine, taken from the server and the vote load too. */
  generatorCpuSeconds: number;
}

async function flood(url: string, orgId: string, rate: number, seconds: number): Promise<FloodFigures> {
  const spend = JSON.stringify({
    token: { epoch: '2026-W01', message: 'AAAAAAAA', signature: 'AAAAAAAA' },
    target: { kind: 'leadership' },
    text: 'A criticism that carries no token worth the name.',
  });
  const autocannon = await loadAutocannon('bench-api --flood-anonymous');
  const result = await autocannon({
    url,
    connections: 20,
    duration: seconds,
    overallRate: rate,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest(request) {
          request.path = pathOf(routeTable.receipt, { orgId, criticismId: randomUUID() });
          return request;
        },
      },
      { method: routeTable.criticise.method, path: pathOf(routeTable.criticise, { orgId }), headers: { 'content-type': 'application/json' }, body: spend },
      { method: routeTable.criticismKeys.method, path: pathOf(routeTable.criticismKeys, { orgId }) },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, st]) => [code, st.count]));
  const cpu = process.cpuUsage();
  return {
    rate,
    sent: Object.values(statusCodes).reduce((a, n) => a + n, 0),
    statusCodes,
    errors: result.errors,
    generatorCpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  };
}

/** Run the flood in a child process; resolves when it has ended, with its figures. */
export function floodInChild(url: string, orgId: string, rate: number, seconds: number, nice = 0): Promise<FloodFigures> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), url, orgId, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (nice > 0 && child.pid !== undefined) setPriority(child.pid, nice);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the anonymous flood failed (${code}): ${err.trim()}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as FloodFigures);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, orgId, rate, seconds] = process.argv.slice(2);
  flood(url!, orgId!, Number(rate), Number(seconds)).then(
    (f) => process.stdout.write(`${JSON.stringify(f)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
