/**
 * `massline backup` and `massline restore` on the built binary, on both dialects: a populated
 * database (a Pol.is conversation through `import-polis`, and a few months of an organisation
 * replayed through the API: lines, claims, citations, endorsements, reports, actions, marks, and
 * an issue resolved into successors) comes back equal, table by table, into a fresh database of
 * the same dialect and of the other; a backup taken while the real server takes votes is one
 * consistent snapshot; damaged archives and non-empty targets are refused and change nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '../../src/contract/index.js';
import { replayTimeline, Session } from '../../src/cli/simulate.js';
import { buildApp, createContext, loadConfig } from '../../src/server/index.js';
import { openStore, votes, type DialectName } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';
import { HttpClient } from '../_util/http-client.js';
import { startMasslineServer, type MasslineServer } from '../_util/server-process.js';
import { pathOf, routeTable } from '../_util/routes.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/massline');
const conversation = path.resolve(repo, '../shared/data/polis/15-per-hour-seattle');
const execute = promisify(execFile);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-backup-'));

const ORG = { slug: 'tenants', email: 'organiser@tenants.test', password: 'a long test password' };

const databases: TestDatabase[] = [];
const children = new Set<ChildProcess>();

async function fresh(dialect: DialectName): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

/** The environment of a child: the test database and nothing inherited that could point elsewhere. */
function envFor(db: TestDatabase): NodeJS.ProcessEnv {
  // Rate limits off: the test's members all join and vote from one address, faster than a person.
  const env: NodeJS.ProcessEnv = { ...process.env, MASSLINE_LOG_LEVEL: 'error', MASSLINE_RATE_LIMITS: 'off' };
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
    const r = await execute(process.execPath, [bin, ...args, '--data-dir', db.dataDir], { env: envFor(db), encoding: 'utf8' });
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

/** What a few months of the organisation leave in every table the API writes. */
const story = Timeline.parse({
  members: Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, joined: '2026-01-01', constituency: i % 2 ? 'tenant' : 'neighbour' })),
  events: [
    { at: '2026-01-02', type: 'issue', issue: 'rent', title: 'Rent demands', description: 'What do we ask the landlord for?' },
    { at: '2026-01-02T10:00:00Z', type: 'issue', issue: 'repairs', title: 'Repairs' },
    ...['Freeze the rent for two years', 'No increase above inflation', 'Publish the service charge accounts', 'A tenants’ seat on the board — «ça va»'].map(
      (text, i) => ({
        at: `2026-01-03T0${i}:00:00Z`,
        type: 'statement',
        issue: 'rent',
        id: `s${i}`,
        member: `m${i}`,
        text,
      }),
    ),
    { at: '2026-01-03T09:00:00Z', type: 'statement', issue: 'repairs', id: 's9', member: 'm9', text: 'Fix the lifts first' },
    ...Array.from({ length: 10 }, (_, m) =>
      ['s0', 's1', 's2', 's3', 's9'].map((s, j) => ({
        at: `2026-01-04T${String(m).padStart(2, '0')}:0${j}:00Z`,
        type: 'vote',
        member: `m${m}`,
        statement: s,
        value: ((m + j) % 3) - 1,
      })),
    ).flat(),
    {
      at: '2026-02-01',
      type: 'line',
      issue: 'rent',
      claims: [
        { id: 'c1', text: 'Members want a freeze', cites: ['s0', 's1'] },
        { id: 'c2', text: 'Accounts must be open', cites: ['s2'] },
      ],
    },
    { at: '2026-02-02', type: 'endorse', member: 'm1', issue: 'rent', response: 'embrace' },
    { at: '2026-02-02T01:00:00Z', type: 'endorse', member: 'm2', issue: 'rent', response: 'critique', text: 'Too timid' },
    { at: '2026-02-02T02:00:00Z', type: 'endorse', member: 'm3', issue: 'rent', response: 'amend', text: 'Add a repairs fund' },
    {
      at: '2026-02-10',
      type: 'report',
      member: 'm4',
      issue: 'rent',
      id: 'r1',
      claim: 'c1',
      verdict: 'refutes',
      text: 'At the meeting most wanted a cap, not a freeze',
    },
    // New practice before the second version: a line is concentrated only from votes cast since the first.
    { at: '2026-02-20', type: 'vote', member: 'm5', statement: 's1', value: 1 },
    { at: '2026-03-01', type: 'line', issue: 'rent', claims: [{ id: 'c3', text: 'Members want a cap at inflation', cites: ['r1', 's1'] }] },
    { at: '2026-03-02', type: 'important', member: 'm5', issue: 'rent' },
    { at: '2026-03-02T01:00:00Z', type: 'important', member: 'm6', issue: 'repairs' },
    { at: '2026-03-03', type: 'block', issue: 'rent', blocks: 'repairs' },
  ],
});

interface Source {
  db: TestDatabase;
  orgId: string;
}

/** A database populated through the binary (an organisation, its organiser, a Pol.is import) and through the API (the story). */
async function populate(dialect: DialectName): Promise<Source> {
  const db = await fresh(dialect);
  const org = JSON.parse(await ok(db, ['create-org', '--slug', ORG.slug, '--name', 'Tenants union', '--json'])) as { id: string };
  await ok(db, ['create-organiser', '--org', ORG.slug, '--email', ORG.email, '--password', ORG.password, '--json']);
  await ok(db, ['import-polis', conversation, '--org', ORG.slug, '--json']);

  let now = Date.parse('2026-01-01T00:00:00Z');
  const ctx = await createContext(
    loadConfig(
      { MASSLINE_RATE_LIMITS: 'off' },
      { dataDir: db.dataDir, databaseUrl: db.databaseUrl, logLevel: 'silent', analysisDebounceMs: 0, sessionDays: 3650 },
    ),
    {
      clock: () => new Date(now),
      analysisMode: 'inline',
    },
  );
  const app = await buildApp(ctx);
  try {
    const admin = new Session(app);
    await admin.call('POST', pathOf(routeTable.login, {}), { organisation: ORG.slug, email: ORG.email, password: ORG.password });
    await admin.call('PATCH', pathOf(routeTable.updateOrganisation, { orgId: org.id }), { moderation: 'permissive' });
    const ids = await replayTimeline({ app, ctx, orgId: org.id, admin, setNow: (ms) => (now = ms) }, story);
    now = Date.parse('2026-03-10T12:00:00Z');
    await admin.call('POST', pathOf(routeTable.createAction, { orgId: org.id, issueId: ids.issueIds.get('rent')! }), {
      title: 'Meeting with the landlord',
      description: 'Bring the claims',
    });
    // Resolving an issue opens successors that point back at it: a table that references itself.
    await admin.call('POST', pathOf(routeTable.resolve, { orgId: org.id, issueId: ids.issueIds.get('repairs')! }), {
      successors: [{ title: 'The lifts' }, { title: 'Damp in block C' }],
    });
  } finally {
    await app.close();
    await ctx.close();
  }
  return { db, orgId: org.id };
}

interface TableContents {
  rows: number;
  /** sha-256 over the sorted hashes of the rows: equal contents, whatever the order. */
  digest: string;
}

/** Every table's contents, read back through Kysely with nothing of the backup code. */
async function contents(db: TestDatabase): Promise<Record<string, TableContents>> {
  const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 });
  try {
    const out: Record<string, TableContents> = {};
    // The schema of the job queue (pg-boss) is not the store's: a backup leaves it out.
    for (const table of (await store.db.introspection.getTables()).filter((t) => t.schema === undefined || t.schema === 'public')) {
      const columns = table.columns.map((c) => c.name).sort();
      const rows = await sql<Record<string, unknown>>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table.name)}`.execute(store.db);
      const hashes = rows.rows
        .map((r) =>
          createHash('sha256')
            .update(JSON.stringify(columns.map((c) => r[c])))
            .digest('hex'),
        )
        .sort();
      out[table.name] = { rows: hashes.length, digest: createHash('sha256').update(hashes.join('\n')).digest('hex') };
    }
    return out;
  } finally {
    await store.close();
  }
}

const sources = new Map<DialectName, Source>();
const sourceContents = new Map<DialectName, Record<string, TableContents>>();
const archives = new Map<DialectName, { file: string; summary: { tables: number; rows: number; bytes: number; seconds: number } }>();

/** The quiet source's archive, made once per dialect. */
async function archiveOf(dialect: DialectName) {
  let a = archives.get(dialect);
  if (!a) {
    const file = path.join(work, `${dialect}.jsonl.gz`);
    const summary = JSON.parse(await ok(sources.get(dialect)!.db, ['backup', file, '--json'])) as {
      tables: number;
      rows: number;
      bytes: number;
      seconds: number;
    };
    archives.set(dialect, (a = { file, summary }));
  }
  return a;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run `npx tsc -b` first');
  for (const dialect of dialects) {
    sources.set(dialect, await populate(dialect));
    sourceContents.set(dialect, await contents(sources.get(dialect)!.db));
  }
});

afterAll(async () => {
  await Promise.all(
    [...children].map((c) => {
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      return gone;
    }),
  );
  for (const db of databases) await db.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it.each(dialects)('the %s source is populated in every table the API and the import write', (dialect) => {
    const c = sourceContents.get(dialect)!;
    const filled = [
      'organisations',
      'members',
      'invites',
      'sessions',
      'issues',
      'cycles',
      'statements',
      'votes',
      'vote_log',
      'analyses',
      'line_versions',
      'claims',
      'citations',
      'endorsements',
      'actions',
      'reports',
      'events',
      'issue_blocks',
      'issue_importance',
    ];
    expect(filled.filter((t) => !(c[t]?.rows ?? 0))).toEqual([]);
    expect(c.votes!.rows).toBeGreaterThan(2000);
  });

  const pairs: [DialectName, DialectName][] = dialects.flatMap((from) => dialects.map((to): [DialectName, DialectName] => [from, to]));
  it.each(pairs)(
    'a backup of %s restores into a fresh %s database with every table equal, and the store goes on from there',
    { timeout: 180_000 },
    async (from, to) => {
      const { file, summary } = await archiveOf(from);
      const expected = sourceContents.get(from)!;
      const tables = Object.keys(expected).filter((t) => !t.startsWith('kysely_'));
      expect(summary.tables).toBe(tables.length);
      expect(summary.rows).toBe(tables.reduce((n, t) => n + expected[t]!.rows, 0));
      expect(summary.bytes).toBe(fs.statSync(file).size);

      const target = await fresh(to);
      const restored = JSON.parse(await ok(target, ['restore', file, '--json'])) as { tables: number; rows: number; bytes: number; seconds: number };
      expect(restored).toMatchObject({ tables: summary.tables, rows: summary.rows, bytes: summary.bytes });
      const actual = await contents(target);
      for (const t of tables) expect(actual[t], t).toEqual(expected[t]);

      // The restored store takes new writes: a changed vote gets the next log position (sequences continue past the restored ones).
      const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 2 });
      try {
        const vote = await store.db.selectFrom('votes').selectAll().orderBy('statement_id').orderBy('member_id').executeTakeFirstOrThrow();
        const before = await store.db
          .selectFrom('vote_log')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirstOrThrow();
        const cast = await votes.castVote(store.db, {
          orgId: vote.org_id,
          issueId: vote.issue_id,
          statementId: vote.statement_id,
          memberId: vote.member_id,
          value: vote.value === 1 ? -1 : 1,
          idempotencyKey: null,
          at: new Date().toISOString(),
        });
        expect(cast.changed).toBe(true);
        const after = await store.db
          .selectFrom('vote_log')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirstOrThrow();
        expect(Number(after.seq)).toBe(Number(before.seq) + 1);
      } finally {
        await store.close();
      }
      console.log(
        `${from} → ${to}: ${summary.tables} tables, ${summary.rows} rows, archive ${summary.bytes} bytes; backup ${summary.seconds} s, restore ${restored.seconds} s`,
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Online.

type Server = MasslineServer;

function startServer(db: TestDatabase): Promise<Server> {
  return startMasslineServer(db.dataDir, envFor(db), children);
}

/** Each current vote is its member's newest logged vote on the statement, and the other way round; says what differs. */
async function votesAgainstLog(db: TestDatabase): Promise<{ wrong: string[]; votes: number }> {
  const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 2 });
  try {
    const current = new Map(
      (await store.db.selectFrom('votes').select(['member_id', 'statement_id', 'value']).execute()).map((r) => [
        `${r.member_id} ${r.statement_id}`,
        Number(r.value),
      ]),
    );
    const newest = new Map<string, number>();
    for (const r of await store.db.selectFrom('vote_log').select(['member_id', 'statement_id', 'value']).orderBy('seq').execute())
      newest.set(`${r.member_id} ${r.statement_id}`, Number(r.value));
    const wrong: string[] = [];
    for (const [pair, v] of current) if (newest.get(pair) !== v) wrong.push(`${pair}: current ${v}, newest logged ${newest.get(pair) ?? 'none'}`);
    for (const [pair, v] of newest) if (!current.has(pair)) wrong.push(`${pair}: logged ${v}, no current vote`);
    return { wrong: wrong.slice(0, 10), votes: current.size };
  } finally {
    await store.close();
  }
}

/** SQLite's own foreign key and integrity checks: empty and 'ok'. */
async function sqliteChecks(db: TestDatabase): Promise<{ foreignKeys: unknown[]; integrity: string[] }> {
  const store = openStore({ dataDir: db.dataDir, databaseUrl: undefined });
  try {
    const foreignKeys = (await sql`pragma foreign_key_check`.execute(store.db)).rows;
    const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db)).rows.map((r) => r.integrity_check);
    return { foreignKeys, integrity };
  } finally {
    await store.close();
  }
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('online', () => {
  it.each(dialects)('%s: backups taken while the server takes votes are each one consistent snapshot', { timeout: 300_000 }, async (dialect) => {
    const source = sources.get(dialect)!;
    const server = await startServer(source.db);
    let stop = false;
    let acked = 0;
    const failures: string[] = [];
    const workers: Promise<void>[] = [];
    try {
      const admin = new HttpClient(() => server.url);
      await admin.json('POST', pathOf(routeTable.login, {}), { organisation: ORG.slug, email: ORG.email, password: ORG.password }, 200);
      const issue = await admin.json<{ id: string }>(
        'POST',
        pathOf(routeTable.createIssue, { orgId: source.orgId }),
        { title: 'Heating', description: 'What first?' },
        201,
      );
      const statementIds: string[] = [];
      for (let i = 0; i < 6; i++)
        statementIds.push(
          (
            await admin.json<{ id: string }>(
              'POST',
              pathOf(routeTable.submitStatement, { orgId: source.orgId, issueId: issue.id }),
              { text: `Heating statement ${i + 1}` },
              201,
            )
          ).id,
        );
      const invite = await admin.json<{ token: string }>('POST', pathOf(routeTable.createInvite, { orgId: source.orgId }), { maxUses: 12 }, 201);
      const members: HttpClient[] = [];
      for (let i = 0; i < 12; i++) {
        const client = new HttpClient(() => server.url);
        await client.json('POST', pathOf(routeTable.acceptInvite, { token: invite.token }), { displayName: `Voter ${i + 1}` }, 201);
        members.push(client);
      }
      const busy = new Set<string>();
      const worker = async () => {
        while (!stop) {
          const m = Math.floor(Math.random() * members.length);
          const statementId = pick(statementIds);
          const pair = `${m} ${statementId}`;
          if (busy.has(pair)) continue;
          busy.add(pair);
          try {
            const res = await members[m]!.req('PUT', pathOf(routeTable.vote, { orgId: source.orgId, statementId }), { vote: pick([1, -1, 0]) });
            if (res.ok) acked += 1;
            else failures.push(`${res.status} ${await res.text()}`);
          } catch (e) {
            failures.push(String(e));
          } finally {
            busy.delete(pair);
          }
        }
      };
      for (let i = 0; i < 6; i++) workers.push(worker());
      while (acked < 30 && !failures.length) await sleep(20);

      const taken: { file: string; duringBackup: number }[] = [];
      for (let i = 0; i < 2; i++) {
        const file = path.join(work, `${dialect}-online-${i}.jsonl.gz`);
        const before = acked;
        await ok(source.db, ['backup', file, '--json']);
        taken.push({ file, duringBackup: acked - before });
      }
      stop = true;
      await Promise.all(workers);
      expect(failures).toEqual([]);
      // Votes were being written all through every backup.
      for (const t of taken) expect(t.duringBackup).toBeGreaterThan(0);

      for (const { file, duringBackup } of taken) {
        const target = await fresh(dialect);
        await ok(target, ['restore', file]);
        const { wrong, votes: current } = await votesAgainstLog(target);
        expect(wrong, file).toEqual([]);
        // Every foreign key holds: restored into SQLite, whose own check looks at every one.
        const checked = dialect === 'sqlite' ? target : await fresh('sqlite');
        if (checked !== target) await ok(checked, ['restore', file]);
        expect(await sqliteChecks(checked)).toEqual({ foreignKeys: [], integrity: ['ok'] });
        console.log(
          `[${dialect}] online backup: ${duringBackup} votes acknowledged while it ran; restored ${current} current votes, each its newest logged vote; foreign keys hold`,
        );
      }
    } finally {
      stop = true;
      await Promise.all(workers);
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Refusals.

/** An archive's lines, to damage and gzip again. */
function linesOf(file: string): string[] {
  return gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
}

async function untouched(db: TestDatabase): Promise<void> {
  if (db.dialect === 'sqlite') {
    expect(fs.existsSync(path.join(db.dataDir, 'massline.db')), 'no database file was created').toBe(false);
    return;
  }
  const store = openStore({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, poolSize: 1 });
  try {
    expect(await store.db.introspection.getTables({ withInternalKyselyTables: true })).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('refusals', () => {
  it.each(dialects)(
    '%s: a truncated, corrupted or altered archive, or one of a newer Massline, is refused with exit code 2 before the target is touched',
    { timeout: 180_000 },
    async (dialect) => {
      const { file } = await archiveOf(dialect);
      const bytes = fs.readFileSync(file);
      const lines = linesOf(file);
      const header = JSON.parse(lines[0]!) as { migrations: string[] };
      const voteLine = lines.findIndex((l) => l.startsWith('["votes",'));
      expect(voteLine).toBeGreaterThan(0);

      const flipped = Buffer.from(bytes);
      flipped[Math.floor(bytes.length * 0.6)]! ^= 0xff;
      const altered = [...lines];
      altered[voteLine] = altered[voteLine]!.replace(/,(-?[01]),"/, (_, v: string) => `,${v === '1' ? '-1' : '1'},"`);
      expect(altered[voteLine]).not.toBe(lines[voteLine]);
      const future = [JSON.stringify({ ...JSON.parse(lines[0]!), migrations: [...header.migrations, '9999-from-the-future'] }), ...lines.slice(1)];

      const cases: { name: string; content: Buffer; message: RegExp }[] = [
        { name: 'truncated', content: bytes.subarray(0, Math.floor(bytes.length / 2)), message: /damaged or truncated/ },
        { name: 'a flipped byte', content: flipped, message: /damaged or truncated/ },
        { name: 'a vote changed (valid gzip)', content: gzipSync(altered.join('\n')), message: /table votes: its rows do not match the header's sha-256/ },
        {
          name: 'rows cut at a line (valid gzip)',
          content: gzipSync(`${lines.slice(0, voteLine + 5).join('\n')}\n`),
          message: /table votes: it holds \d+ rows where its header says \d+/,
        },
        { name: 'a newer Massline', content: gzipSync(future.join('\n')), message: /newer Massline.*9999-from-the-future/ },
        { name: 'not an archive', content: Buffer.from('id,text\n1,hello\n'), message: /damaged or truncated/ },
      ];
      for (const c of cases) {
        const damaged = path.join(work, `${dialect}-${c.name.replace(/\W+/g, '-')}.jsonl.gz`);
        fs.writeFileSync(damaged, c.content);
        const target = await fresh(dialect);
        const r = await massline(target, ['restore', damaged]);
        expect(r.code, `${c.name}: ${r.stderr}`).toBe(2);
        expect(r.stderr, c.name).toMatch(c.message);
        expect(r.stderr, c.name).not.toMatch(/\n\s+at /); // a message, not a stack trace
        await untouched(target);
      }
    },
  );

  it.each(dialects)('%s: a target that holds data is refused with exit code 2 and left as it was', { timeout: 120_000 }, async (dialect) => {
    const { file } = await archiveOf(dialect);
    const source = sources.get(dialect)!;
    const before = await contents(source.db);
    const r = await massline(source.db, ['restore', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the target database is not empty \(.*organisations: 1.*\): restore only into an empty database/);
    expect(await contents(source.db)).toEqual(before);
  });
});

describe('schemas', () => {
  it(
    'an archive of an older schema is restored at that schema (here into PostgreSQL), then migrated forward; a target already further on is refused',
    { timeout: 120_000 },
    async () => {
      const names = Object.keys(migrations);
      const older = names.slice(0, -1);
      const source = await fresh('sqlite');
      const store = openStore({ dataDir: source.dataDir, databaseUrl: undefined });
      const org = { id: 'org-of-old', slug: 'old', name: 'An older union', moderation: 'strict', settings: '{}', created_at: '2025-05-01T10:00:00.000Z' };
      try {
        expect(await store.migrate(older.at(-1))).toEqual(older);
        await sql`insert into organisations (id, slug, name, moderation, settings, created_at) values (${org.id}, ${org.slug}, ${org.name}, ${org.moderation}, ${org.settings}, ${org.created_at})`.execute(
          store.db,
        );
      } finally {
        await store.close();
      }
      const file = path.join(work, 'older.jsonl.gz');
      await ok(source, ['backup', file]);
      expect((JSON.parse(linesOf(file)[0]!) as { migrations: string[] }).migrations).toEqual(older);

      const target = await fresh('postgres');
      expect(await ok(target, ['restore', file])).toContain(`then applied this build's newer migrations ${names.at(-1)}`);
      const restored = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 1 });
      try {
        expect((await sql`select id, slug, name, moderation, settings, created_at from organisations`.execute(restored.db)).rows).toEqual([org]);
        expect((await sql<{ name: string }>`select name from kysely_migration order by name`.execute(restored.db)).rows.map((r) => r.name)).toEqual(names);
      } finally {
        await restored.close();
      }

      const ahead = await fresh('sqlite');
      await ok(ahead, ['migrate']);
      const r = await massline(ahead, ['restore', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/the target database's schema \(.*\) is not the archive's \(.*\) nor an earlier one/);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Secrets on disk.

describe('the archive file', () => {
  it("is its owner's alone (mode 0600), and a backup never overwrites a file nor leaves a temporary one behind", { timeout: 120_000 }, async () => {
    const source = sources.get('sqlite')!;
    const folder = fs.mkdtempSync(path.join(work, 'private-'));
    const file = path.join(folder, 'massline.jsonl.gz');
    await ok(source.db, ['backup', file]);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readdirSync(folder)).toEqual(['massline.jsonl.gz']);

    // An existing file at the path is left as it is: the second backup is refused before it reads anything.
    const first = fs.readFileSync(file);
    const again = await massline(source.db, ['backup', file]);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/massline\.jsonl\.gz: exists already; a backup never overwrites a file: name a new one/);
    expect(fs.readFileSync(file).equals(first)).toBe(true);

    // A link planted at the path (say, to a file another user can read) is not followed: refused too.
    const planted = path.join(folder, 'planted.jsonl.gz');
    const elsewhere = path.join(folder, 'elsewhere');
    fs.symlinkSync(elsewhere, planted);
    const link = await massline(source.db, ['backup', planted]);
    expect(link.code, link.stderr).toBe(2);
    expect(link.stderr).toMatch(/planted\.jsonl\.gz: exists already/);
    expect(fs.existsSync(elsewhere)).toBe(false);
    expect(fs.readdirSync(folder).sort()).toEqual(['massline.jsonl.gz', 'planted.jsonl.gz']);
  });
});

describe('an older archive', () => {
  /**
   * Made by Massline at migration 0012 (before signing keys could be deleted): a union replayed
   * through the API, with criticism sent, seconded and answered, so it holds every epoch's
   * private signing key (test keys, made for this fixture). See fixtures/README.md.
   */
  const older = path.join(import.meta.dirname, 'fixtures/backup-0012-signing-keys.jsonl.gz');

  it.each(dialects)('one holding private signing keys (migration 0012) restores into %s and is migrated forward', { timeout: 120_000 }, async (dialect) => {
    const lines = linesOf(older);
    const header = JSON.parse(lines[0]!) as { migrations: string[]; tables: { name: string; columns: string[]; rows: number }[] };
    expect(header.migrations.at(-1)).toBe('0012-analysis-list');
    const keyColumns = header.tables.find((t) => t.name === 'criticism_keys')!.columns;
    const keys = lines.filter((l) => l.startsWith('["criticism_keys",')).map((l) => (JSON.parse(l) as [string, unknown[]])[1]);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => typeof k[keyColumns.indexOf('private_key')] === 'string')).toBe(true);

    const target = await fresh(dialect);
    const names = Object.keys(migrations);
    const out = await ok(target, ['restore', older]);
    expect(out).toContain(`then applied this build's newer migrations ${names.slice(names.indexOf('0012-analysis-list') + 1).join(', ')}`);
    const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, poolSize: 1 });
    try {
      const restored = await sql<{ epoch: string; public_key: string }>`select epoch, public_key from criticism_keys order by epoch`.execute(store.db);
      const archived = keys
        .map((k) => ({ epoch: k[keyColumns.indexOf('epoch')], public_key: k[keyColumns.indexOf('public_key')] }))
        .sort((a, b) => String(a.epoch).localeCompare(String(b.epoch)));
      expect(restored.rows).toEqual(archived);
      for (const t of ['organisations', 'members', 'criticisms', 'criticism_answers', 'criticism_seconds', 'criticism_spent_tokens', 'votes', 'vote_log']) {
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(store.db);
        expect(Number(rows[0]!.n), t).toBe(header.tables.find((x) => x.name === t)!.rows);
      }
    } finally {
      await store.close();
    }
    // The restored database backs up again, at this build's migrations, into a file of its owner's alone.
    const again = path.join(work, `older-again-${dialect}.jsonl.gz`);
    await ok(target, ['backup', again]);
    expect((JSON.parse(linesOf(again)[0]!) as { migrations: string[] }).migrations).toEqual(names);
    expect(fs.statSync(again).mode & 0o777).toBe(0o600);
  });
});
