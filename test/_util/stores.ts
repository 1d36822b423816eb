/** Test stores on every dialect: a fresh SQLite file or a fresh PostgreSQL database per call. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { DialectName } from '../../src/store/index.js';

export const dialects: DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dialect: DialectName;
  /** For the config: a data dir (sqlite) and, on postgres, a URL. */
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/** The role test databases belong to and are used as: neither superuser nor BYPASSRLS, as an application's role should be. */
const APP_ROLE = 'massline_app';

async function ensureAppRole(client: pg.Client): Promise<void> {
  try {
    await client.query(`create role ${APP_ROLE} login password '${APP_ROLE}' nosuperuser nobypassrls`);
  } catch (e) {
    // Made already, by this test file or (concurrently) by another.
    if (!/already exists|duplicate key/.test(e instanceof Error ? e.message : String(e))) throw e;
  }
}

/** A brand-new empty database of the given dialect. */
export async function freshDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-test-'));
  if (dialect === 'sqlite') {
    return { dialect, dataDir, databaseUrl: undefined, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const admin = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await ensureAppRole(client);
  await client.query(`create database ${name} owner ${APP_ROLE}`);
  await client.end();
  // The store connects as the database's owner, not as the superuser: so row-level security applies, as in production.
  const url = admin.replace(/\/\/[^@]*@/, `//${APP_ROLE}:${APP_ROLE}@`).replace(/\/postgres$/, `/${name}`);
  return {
    dialect,
    dataDir,
    databaseUrl: url,
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
