/**
 * `massline bench-api --store`: the store's vote writing alone, without HTTP, in the bench's own
 * process: concurrent callers cast votes through the store's group commit (the writer thread on
 * SQLite), and, for comparison, each in a transaction of its own (votes.castVote, as before
 * group commit). Where the API's figures fall short of these, the time goes elsewhere than the
 * database.
 */
import { openStore, votes, type Store } from '../../store/index.js';
import type { VoteValue } from '../../core/index.js';
import type { BenchOrganisation } from './api-seed.js';

export interface StoreRunFigures {
  mode: 'group commit' | 'transaction per vote';
  concurrency: number;
  seconds: number;
  acknowledged: number;
  failed: number;
  votesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const round2 = (x: number) => Math.round(x * 100) / 100;

async function run(
  store: Store,
  org: BenchOrganisation,
  counter: { next: number },
  mode: StoreRunFigures['mode'],
  concurrency: number,
  seconds: number,
): Promise<StoreRunFigures> {
  const { memberIds } = org;
  const latencies: number[] = [];
  let failed = 0;
  const end = Date.now() + seconds * 1000;
  const started = performance.now();
  const caller = async () => {
    while (Date.now() < end) {
      const i = counter.next++;
      const member = i % memberIds.length;
      const statement = Math.floor(i / memberIds.length) % org.statementIds.length;
      const value = (((member + statement + Math.floor(i / (memberIds.length * org.statementIds.length))) % 3) - 1) as VoteValue;
      const request = {
        orgId: org.orgId,
        statementId: org.statementIds[statement]!,
        memberId: memberIds[member]!,
        seesAllStatements: false,
        value,
        idempotencyKey: `store.${mode === 'group commit' ? 'g' : 't'}.${i}`,
        at: new Date().toISOString(),
      };
      const t0 = performance.now();
      try {
        if (mode === 'group commit') await store.voteWriter.cast(request);
        else await votes.castVote(store.db, { ...request, issueId: org.issueId });
        latencies.push(performance.now() - t0);
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    mode,
    concurrency,
    seconds: round2(elapsed),
    acknowledged: latencies.length,
    failed,
    votesPerSec: Math.round(latencies.length / elapsed),
    p50Ms: round2(quantile(sorted, 0.5)),
    p99Ms: round2(quantile(sorted, 0.99)),
  };
}

/** Both modes at each concurrency, on the bench's database (the server stopped), after a short warm-up each. */
export async function benchStoreWrites(
  target: { dataDir: string; databaseUrl: string | undefined },
  org: BenchOrganisation,
  counter: { next: number },
  options: { concurrency: number[]; seconds: number; warmupSeconds: number },
): Promise<StoreRunFigures[]> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    const out: StoreRunFigures[] = [];
    for (const mode of ['group commit', 'transaction per vote'] as const) {
      for (const concurrency of options.concurrency) {
        if (options.warmupSeconds > 0) await run(store, org, counter, mode, concurrency, options.warmupSeconds);
        out.push(await run(store, org, counter, mode, concurrency, options.seconds));
      }
    }
    return out;
  } finally {
    await store.close();
  }
}
