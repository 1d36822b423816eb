import { openLiveHub, openStore, type LiveHub, type Store } from '../store/index.js';
import { createModelFactsCache, type ModelFactsCache } from '../store/model-facts.js';
import { createAnalysisJobs, createCriticismPublisher, startJobQueue, type AnalysisJobs, type CriticismPublisher, type JobQueue } from '../jobs/index.js';
import type { Config } from './config.js';
import { argon2PasswordHasher, type PasswordHasher } from './auth/passwords.js';

/**
 * The one context object: built by one factory, passed explicitly to the server, the jobs
 * and the command line. No module-level singletons.
 */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: () => Date;
  readonly passwords: PasswordHasher;
  readonly jobs: { readonly analyses: AnalysisJobs; readonly criticism: CriticismPublisher };
  /** Live updates: changes published after they commit, to the open live streams of every process. */
  readonly live: LiveHub;
  /** The model's facts per organisation, kept up to date from the logs' new rows (store/model-facts.ts). */
  readonly facts: ModelFactsCache;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: () => Date;
  passwords?: PasswordHasher;
  /** 'inline' runs analyses on the calling thread (simulate); the server uses a worker thread. */
  analysisMode?: 'thread' | 'inline';
  onJobError?: (error: unknown) => void;
  /**
   * `serve`: on PostgreSQL, analyses and criticism publication go through the deployment's job
   * queue, taken by the processes whose config.role is worker or all. Ignored on SQLite.
   */
  queue?: boolean;
  /** The least time between two live publications of one issue's vote totals (default 1 s). */
  liveVotesIntervalMs?: number;
}

/** Open the store, bring its schema up to date, and assemble the context. */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await store.migrate();
    const ahead = await store.migrationsAhead();
    // A rolling upgrade: a newer version migrated the database while this one still runs. Migrations only add, so this version goes on.
    if (ahead.length > 0)
      process.stderr.write(`massline: the database is at a newer version's schema (${ahead.join(', ')}); this version runs on it until it is replaced\n`);
  } catch (err) {
    await store.close();
    throw err;
  }
  let queue: JobQueue | undefined;
  if (options.queue && config.databaseUrl !== undefined) {
    try {
      queue = await startJobQueue({
        databaseUrl: config.databaseUrl,
        works: config.role !== 'api',
        expireSeconds: config.jobExpireSeconds,
        maintenanceSeconds: config.jobMaintenanceSeconds,
        onError: (e) => process.stderr.write(`job queue: ${e instanceof Error ? e.message : String(e)}\n`),
      });
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  const clock = options.clock ?? (() => new Date());
  const live = openLiveHub({
    db: store.db,
    databaseUrl: config.databaseUrl,
    votesIntervalMs: options.liveVotesIntervalMs,
    onError: (e) => process.stderr.write(`live updates: ${e instanceof Error ? e.message : String(e)}\n`),
  });
  const analyses = createAnalysisJobs({
    db: store.db,
    clock,
    debounceMs: config.analysisDebounceMs,
    mode: options.analysisMode ?? 'thread',
    onError:
      options.onJobError ?? ((e, issueId) => process.stderr.write(`analysis of issue ${issueId} failed: ${e instanceof Error ? e.message : String(e)}\n`)),
    onStored: (s) => void live.publish(s.orgId, { type: 'analysis', issueId: s.issueId, analysisId: s.analysisId, votesSeq: s.votesSeq }),
    queue,
  });
  const criticism = createCriticismPublisher({
    db: store.db,
    clock,
    hourUtc: config.criticismPublishHourUtc,
    // Tests and simulations drive publication themselves (reads publish what is due).
    intervalMs: options.analysisMode === 'inline' ? 0 : 5 * 60_000,
    onError: (e) => process.stderr.write(`publishing criticism failed: ${e instanceof Error ? e.message : String(e)}\n`),
    queue,
  });
  return {
    config,
    store,
    clock,
    passwords: options.passwords ?? argon2PasswordHasher(),
    jobs: { analyses, criticism },
    live,
    facts: createModelFactsCache(store.db, store.dialect),
    async close() {
      // Take no more jobs and let the running ones finish; then send what is pending, and close the queue.
      await queue?.stop();
      await criticism.close();
      await analyses.close();
      await queue?.close();
      await live.close();
      await store.close();
    },
  };
}
