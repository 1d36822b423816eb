import { openStore, type Store } from '../store/index.js';
import { createAnalysisJobs, createCriticismPublisher, type AnalysisJobs, type CriticismPublisher } from '../jobs/index.js';
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
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: () => Date;
  passwords?: PasswordHasher;
  /** 'inline' runs analyses on the calling thread (simulate); the server uses a worker thread. */
  analysisMode?: 'thread' | 'inline';
  onJobError?: (error: unknown) => void;
}

/** Open the store, bring its schema up to date, and assemble the context. */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  const clock = options.clock ?? (() => new Date());
  const analyses = createAnalysisJobs({
    db: store.db,
    clock,
    debounceMs: config.analysisDebounceMs,
    mode: options.analysisMode ?? 'thread',
    onError: options.onJobError ?? ((e, issueId) => process.stderr.write(`analysis of issue ${issueId} failed: ${e instanceof Error ? e.message : String(e)}\n`)),
  });
  const criticism = createCriticismPublisher({
    db: store.db,
    clock,
    hourUtc: config.criticismPublishHourUtc,
    // Tests and simulations drive publication themselves (reads publish what is due).
    intervalMs: options.analysisMode === 'inline' ? 0 : 5 * 60_000,
    onError: (e) => process.stderr.write(`publishing criticism failed: ${e instanceof Error ? e.message : String(e)}\n`),
  });
  return {
    config,
    store,
    clock,
    passwords: options.passwords ?? argon2PasswordHasher(),
    jobs: { analyses, criticism },
    async close() {
      await criticism.close();
      await analyses.close();
      await store.close();
    },
  };
}
