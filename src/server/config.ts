import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration is read here, once, from the environment and the command line, validated,
 * and handed on in the context. No other module reads process.env.
 */
export interface Config {
  port: number;
  host: string;
  /** Where the embedded database and other files live. */
  dataDir: string;
  /** postgres://… when PostgreSQL is used; undefined for the embedded SQLite store. */
  databaseUrl: string | undefined;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  sessionDays: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Wait this long after a vote before analysing, so a burst of votes gives one analysis. */
  analysisDebounceMs: number;
}

export class ConfigError extends Error {}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  MASSLINE_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  MASSLINE_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  MASSLINE_SESSION_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  MASSLINE_LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug']).optional(),
  MASSLINE_ANALYSIS_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
});

export interface ConfigOverrides {
  port?: number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  logLevel?: Config['logLevel'] | undefined;
  analysisDebounceMs?: number | undefined;
  sessionDays?: number | undefined;
}

/** Environment → config with defaults; command-line overrides win. Throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k in Env.shape && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const dataDir = overrides.dataDir ?? e.MASSLINE_DATA_DIR ?? './data';
  const databaseUrl = overrides.databaseUrl ?? e.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL: must start with postgres:// or postgresql://');
  const port = overrides.port ?? e.PORT ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('port: must be an integer from 0 to 65535');
  return {
    port,
    host: overrides.host ?? e.HOST ?? '127.0.0.1',
    dataDir: dataDir === ':memory:' ? dataDir : path.resolve(dataDir),
    databaseUrl,
    secureCookies: e.MASSLINE_SECURE_COOKIES === 'true',
    sessionDays: overrides.sessionDays ?? e.MASSLINE_SESSION_DAYS ?? 30,
    bodyLimit: 64 * 1024,
    logLevel: overrides.logLevel ?? e.MASSLINE_LOG_LEVEL ?? 'warn',
    analysisDebounceMs: overrides.analysisDebounceMs ?? e.MASSLINE_ANALYSIS_DEBOUNCE_MS ?? 1000,
  };
}
