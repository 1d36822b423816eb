/**
 * Bad files into `massline import-polis` and `massline restore`, on the built binary, on both
 * dialects: each kind of damage (a quoted field cut short, random bytes, a stray quote, a
 * timestamp that is not UTF-8, a header over junk, a 20 MB comment, swapped or unknown column
 * names; for restore a 50 MB line, random bytes, a forged row with its table's checksum
 * recomputed) is refused with exit code 2 and one message naming the file, the row and the rule,
 * never a stack trace, and the database is exactly as before: the same organisations, the same
 * rows in every table, and after a refused restore no schema and no file left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DialectName } from '../../src/store/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/massline');
const conversation = path.resolve(repo, '../shared/data/polis/15-per-hour-seattle');
const execute = promisify(execFile);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bad-files-'));

const databases: TestDatabase[] = [];

async function fresh(dialect: DialectName): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

function envFor(db: TestDatabase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_LOG_LEVEL: 'error' };
  for (const k of ['DATABASE_URL', 'MASSLINE_DATA_DIR', 'PORT', 'HOST', 'MASSLINE_PASSWORD']) delete env[k];
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  return env;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built `massline` on a test database; never throws, the exit code is the answer. */
async function massline(db: TestDatabase, args: string[]): Promise<Run> {
  try {
    const r = await execute(process.execPath, [bin, ...args, '--data-dir', db.dataDir], { env: envFor(db), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr || err.message };
  }
}

async function ok(db: TestDatabase, args: string[]): Promise<string> {
  const r = await massline(db, args);
  if (r.code !== 0) throw new Error(`massline ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** What a database holds, read with nothing of the code under test: its organisations, and every table with its row count. */
async function listing(db: TestDatabase): Promise<{ organisations: unknown[]; tables: Record<string, number> }> {
  const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 1 });
  try {
    const organisations = (await sql`select id, slug, name from organisations order by id`.execute(store.db)).rows;
    const tables: Record<string, number> = {};
    for (const t of await store.db.introspection.getTables({ withInternalKyselyTables: true })) {
      if (t.schema !== undefined && t.schema !== 'public') continue;
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(store.db);
      tables[t.name] = Number(rows[0]!.n);
    }
    return { organisations, tables };
  } finally {
    await store.close();
  }
}

/** A target a refused restore must leave as it found it: no SQLite file; on PostgreSQL no table and no sequence. */
async function nothingIn(db: TestDatabase): Promise<void> {
  if (db.dialect === 'sqlite') {
    expect(fs.readdirSync(db.dataDir), 'no database file left behind').toEqual([]);
    return;
  }
  const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 1 });
  try {
    expect(await store.db.introspection.getTables({ withInternalKyselyTables: true }), 'no table left behind').toEqual([]);
    const { rows } = await sql`select relname from pg_class where relnamespace = current_schema()::regnamespace`.execute(store.db);
    expect(rows, 'no sequence, index or other relation left behind').toEqual([]);
  } finally {
    await store.close();
  }
}

/** Deterministic "random" bytes (a linear congruential generator): the same damage on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A copy of the conversation's export with one file replaced. */
function exportWith(name: string, file: string, content: Buffer | string): string {
  const dir = path.join(work, `export-${name.replace(/\W+/g, '-')}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(conversation)) fs.copyFileSync(path.join(conversation, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

const original = (file: string) => fs.readFileSync(path.join(conversation, file), 'utf8');

/** The file's lines, the one at `index` (0 the header) replaced. */
function withLine(file: string, index: number, line: string | ((old: string) => string)): string {
  const lines = original(file).split('\n');
  lines[index] = typeof line === 'string' ? line : line(lines[index]!);
  return lines.join('\n');
}

interface BadExport {
  name: string;
  dir: () => string;
  /** The file, row and rule the message must name. */
  message: RegExp;
}

const badExports: BadExport[] = [
  {
    name: 'a quoted field cut short',
    dir: () => exportWith('cut', 'comments.csv', `${original('comments.csv').trimEnd()}\n1409000000000,x,900,1,0,0,1,"the comment goes on and on\n`),
    message: /comments\.csv row \d+ \(line \d+\): a quoted field is not closed before the end of the file/,
  },
  {
    name: 'random bytes',
    dir: () => exportWith('random', 'votes.csv', noise(64 * 1024, 15)),
    message: /votes\.csv row \d+(, (column [\w-]+|field \d+))?( \(line \d+\))?: \S.*/,
  },
  {
    name: 'a stray quote',
    dir: () =>
      exportWith(
        'stray',
        'comments.csv',
        withLine('comments.csv', 3, (l) => l.replace(/,([^,]*)$/, ',he said "no" and left')),
      ),
    message: /comments\.csv row 4 \(line 4\): a quote inside a field that does not begin with one/,
  },
  {
    name: 'a timestamp that is not UTF-8',
    dir: () => {
      const lines = original('votes.csv').split('\n');
      const latin1 = Buffer.concat([
        Buffer.from(`${lines.slice(0, 4).join('\n')}\n`),
        Buffer.from('1409\xe9\xe9', 'latin1'),
        Buffer.from(`${lines[4]!.slice(lines[4]!.indexOf(','))}\n${lines.slice(5).join('\n')}`),
      ]);
      return exportWith('latin1', 'votes.csv', latin1);
    },
    message: /votes\.csv row 5, column timestamp: not UTF-8 text/,
  },
  {
    name: 'a header over junk',
    dir: () =>
      exportWith(
        'junk',
        'votes.csv',
        `${original('votes.csv').split('\n')[0]}\n${Array.from({ length: 50 }, (_, i) => `junk${i},more junk,x${i},y,z`).join('\n')}\n`,
      ),
    message: /votes\.csv row 2: timestamp must be milliseconds since 1970/,
  },
  {
    name: 'a header over junk of another width',
    dir: () => exportWith('junk-width', 'votes.csv', `${original('votes.csv').split('\n')[0]}\nlorem ipsum dolor sit amet\nconsectetur;adipiscing;elit\n`),
    message: /votes\.csv row 2: 1 fields where the header has 5/,
  },
  {
    name: 'a 20 MB comment',
    dir: () => exportWith('huge', 'comments.csv', `${original('comments.csv').trimEnd()}\n1409000000000,x,900,1,0,0,1,"${'long '.repeat(4_000_000)}"\n`),
    message: /comments\.csv row 56: comment-body must be at most 400 characters \(it has 19,999,999\): a statement's text in Massline/,
  },
  {
    name: 'swapped column names',
    dir: () =>
      exportWith(
        'swapped',
        'votes.csv',
        withLine('votes.csv', 0, (h) => h.replace('comment-id', 'COMMENT').replace('voter-id', 'comment-id').replace('COMMENT', 'voter-id')),
      ),
    message: /votes\.csv row \d+: comment-id "\d+" is not a comment-id of comments\.csv/,
  },
  {
    name: 'an unknown column name',
    dir: () =>
      exportWith(
        'unknown',
        'votes.csv',
        withLine('votes.csv', 0, (h) => h.replace(/vote$/, 'votes')),
      ),
    message: /votes\.csv row 1: unknown column "votes"/,
  },
];

/** An archive's lines with the rows of one table changed by `change`, its row count and checksum in the header recomputed: a forgery the checksums cannot tell. */
function forged(file: string, table: string, change: (rows: unknown[][], columns: string[]) => unknown[][]): Buffer {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
  const header = JSON.parse(lines[0]!) as { tables: { name: string; columns: string[]; rows: number; sha256: string }[] };
  const entry = header.tables.find((t) => t.name === table)!;
  const first = lines.findIndex((l) => l.startsWith(`[${JSON.stringify(table)},`));
  const rows = lines.slice(first, first + entry.rows).map((l) => (JSON.parse(l) as [string, unknown[]])[1]);
  const changed = change(rows, entry.columns).map((r) => JSON.stringify([table, r]));
  entry.rows = changed.length;
  entry.sha256 = createHash('sha256')
    .update(changed.map((l) => `${l}\n`).join(''))
    .digest('hex');
  return gzipSync([JSON.stringify(header), ...lines.slice(1, first), ...changed, ...lines.slice(first + rows.length)].join('\n'));
}

/** The archive's line number (1 the header) of a table's i-th row, as the refusal names it. */
function lineOf(file: string, table: string, i: number): number {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
  return lines.findIndex((l) => l.startsWith(`[${JSON.stringify(table)},`)) + 1 + i;
}

const sources = new Map<DialectName, { db: TestDatabase; archive: string }>();

beforeAll(async () => {
  if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `npx tsc -b` first');
  for (const dialect of dialects) {
    const db = await fresh(dialect);
    await ok(db, ['create-org', '--slug', 'tenants', '--name', 'Tenants union']);
    await ok(db, ['import-polis', conversation, '--org', 'tenants']);
    const archive = path.join(work, `${dialect}.jsonl.gz`);
    await ok(db, ['backup', archive]);
    sources.set(dialect, { db, archive });
  }
}, 180_000);

afterAll(async () => {
  for (const db of databases) await db.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A refusal as the brief has it: exit code 2, the file named, the message's rule, no stack trace. */
function expectRefusal(r: Run, file: string, message: RegExp, what: string): void {
  expect(r.code, `${what}: ${r.stderr.slice(0, 2000)}`).toBe(2);
  expect(r.stderr, what).toContain(file);
  expect(r.stderr, what).toMatch(message);
  expect(r.stderr, what).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split('\n'), `${what}: one line`).toHaveLength(1);
}

describe('import-polis', () => {
  it.each(dialects)(
    '%s: each bad export is refused with exit code 2, naming the file, row and rule, and the database is exactly as before',
    { timeout: 240_000 },
    async (dialect) => {
      const { db } = sources.get(dialect)!;
      const before = await listing(db);
      expect(before.organisations).toHaveLength(1);
      for (const bad of badExports) {
        const dir = bad.dir();
        const started = performance.now();
        for (const args of [
          ['import-polis', dir],
          ['import-polis', dir, '--org', 'tenants'],
        ]) {
          const r = await massline(db, args);
          expectRefusal(r, dir, bad.message, `${bad.name} (${args.join(' ')})`);
          expect(r.stderr).toMatch(/nothing was imported/);
        }
        console.log(
          `[${dialect}] import-polis, ${bad.name}: refused in ${Math.round(performance.now() - started)} ms (twice): ${(await massline(db, ['import-polis', dir])).stderr.trim().slice(0, 300)}`,
        );
        expect(await listing(db), bad.name).toEqual(before);
      }
    },
  );

  it.each(dialects)('%s: a failure inside the import (the database refuses a vote) leaves no organisation behind', { timeout: 120_000 }, async (dialect) => {
    const db = await fresh(dialect);
    await ok(db, ['migrate']);
    const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 1 });
    try {
      // The import's last writes refused, after its organisation, members and statements went in.
      if (dialect === 'sqlite')
        await sql`create trigger refuse_votes before insert on vote_log begin select raise(abort, 'votes refused by the test'); end`.execute(store.db);
      else {
        await sql`create function refuse_votes() returns trigger language plpgsql as $$ begin raise exception 'votes refused by the test'; end $$`.execute(
          store.db,
        );
        await sql`create trigger refuse_votes before insert on vote_log for each row execute function refuse_votes()`.execute(store.db);
      }
    } finally {
      await store.close();
    }
    const before = await listing(db);
    const r = await massline(db, ['import-polis', conversation]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/votes refused by the test/);
    expect(await listing(db)).toEqual(before);
    expect(before.organisations).toEqual([]);
  });
});

describe('restore', () => {
  it.each(dialects)(
    '%s: a bad archive is refused with exit code 2, naming the file, line and rule, and the target is left with nothing',
    { timeout: 300_000 },
    async (dialect) => {
      const { archive } = sources.get(dialect)!;
      const statementsLine = lineOf(archive, 'statements', 0);
      const votesLine = lineOf(archive, 'votes', 3);
      const cases: { name: string; content: () => Buffer; message: RegExp }[] = [
        {
          name: 'one 50 MB line',
          content: () => {
            const lines = gunzipSync(fs.readFileSync(archive)).toString('utf8').split('\n');
            lines.splice(votesLine - 1, 0, 'x'.repeat(50 * 1_048_576));
            return gzipSync(lines.join('\n'));
          },
          message: new RegExp(`line ${votesLine}: not JSON: the archive is damaged or truncated`),
        },
        { name: 'random bytes', content: () => noise(256 * 1024, 9), message: /not a valid gzip stream.*: the archive is damaged or truncated/ },
        {
          name: 'a forged row with its checksum recomputed: a vote on a statement that does not exist',
          content: () =>
            forged(archive, 'votes', (rows, columns) =>
              rows.map((r, i) => (i === 3 ? r.map((v, c) => (columns[c] === 'statement_id' ? 'forged-statement' : v)) : r)),
            ),
          message: new RegExp(
            `line ${votesLine}: the row of votes \\(statement_id "forged-statement", member_id "[^"]+"\\) is refused by the database: .*(foreign key votes\\(statement_id\\) → statements\\(id\\): no statements row has id "forged-statement"|violates foreign key constraint).*; nothing was restored and the target is as it was`,
          ),
        },
        {
          name: 'a forged row with its checksum recomputed: a statement twice',
          content: () => forged(archive, 'statements', (rows) => [rows[0]!, rows[0]!, ...rows.slice(1)]),
          message: new RegExp(
            `line ${statementsLine + 1}: the row of statements \\(id "[^"]+"\\) is refused by the database: .*(UNIQUE constraint failed: statements\\.\\w+|duplicate key value violates unique constraint).*; nothing was restored and the target is as it was`,
          ),
        },
      ];
      for (const c of cases) {
        const file = path.join(work, `${dialect}-${c.name.replace(/\W+/g, '-').slice(0, 60)}.jsonl.gz`);
        fs.writeFileSync(file, c.content());
        const target = await fresh(dialect);
        const started = performance.now();
        const r = await massline(target, ['restore', file]);
        const took = Math.round(performance.now() - started);
        expectRefusal(r, file, c.message, c.name);
        await nothingIn(target);
        console.log(`[${dialect}] restore, ${c.name}: refused in ${took} ms: ${r.stderr.trim().slice(0, 400)}`);
      }
    },
  );

  it.each(dialects)('%s: a forged row refused by a target that had the schema already leaves it exactly as it was', { timeout: 120_000 }, async (dialect) => {
    const { archive } = sources.get(dialect)!;
    const file = path.join(work, `${dialect}-forged-into-schema.jsonl.gz`);
    fs.writeFileSync(
      file,
      forged(archive, 'votes', (rows, columns) => rows.map((r, i) => (i === 0 ? r.map((v, c) => (columns[c] === 'member_id' ? 'forged-member' : v)) : r))),
    );
    const target = await fresh(dialect);
    await ok(target, ['migrate']);
    const before = await listing(target);
    const r = await massline(target, ['restore', file]);
    expectRefusal(
      r,
      file,
      /the row of votes \(statement_id "[^"]+", member_id "forged-member"\) is refused by the database: .*; nothing was restored and the target is as it was/,
      'forged member',
    );
    expect(await listing(target)).toEqual(before);
  });

  it.each(dialects)('%s: an archive with one 50 MB line (a statement of 50 MB) restores in seconds', { timeout: 300_000 }, async (dialect) => {
    const { archive } = sources.get(dialect)!;
    const file = path.join(work, `${dialect}-long-line.jsonl.gz`);
    const long = 'a long statement '.repeat(Math.ceil((50 * 1_048_576) / 17)).slice(0, 50 * 1_048_576);
    fs.writeFileSync(
      file,
      forged(archive, 'statements', (rows, columns) => rows.map((r, i) => (i === 0 ? r.map((v, c) => (columns[c] === 'text' ? long : v)) : r))),
    );
    const target = await fresh(dialect);
    const started = performance.now();
    const restored = JSON.parse(await ok(target, ['restore', file, '--json'])) as { rows: number };
    console.log(`[${dialect}] restore of an archive with a 50 MB line: ${Math.round(performance.now() - started)} ms, ${restored.rows} rows`);
    const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 1 });
    try {
      const { rows } = await sql<{ n: number | string }>`select max(length(text)) as n from statements`.execute(store.db);
      expect(Number(rows[0]!.n)).toBe(50 * 1_048_576);
    } finally {
      await store.close();
    }
  });
});
