import { openStore, type Store } from '../store/index.js';
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
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: () => Date;
  passwords?: PasswordHasher;
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
  return {
    config,
    store,
    clock: options.clock ?? (() => new Date()),
    passwords: options.passwords ?? argon2PasswordHasher(),
    close: () => store.close(),
  };
}
