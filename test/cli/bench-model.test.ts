/** `massline bench-model`: its options, the organisation it writes, and a tiny run on the built binary. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modelPhases, modelRoutes, parseModelBenchOptions, type ModelBenchReport } from '../../src/cli/bench/model.js';
import SqliteDatabase from 'better-sqlite3';
import { modelBenchDatabaseState, seedModelBenchOrganisation } from '../../src/cli/bench/model-seed.js';
import { loadModelFacts, loadModelFactsFromEvents, openStore, sessions, sqliteFile, tokenHash, votes } from '../../src/store/index.js';
import { repoRoot } from '../_util/server-process.js';
import { dialects, freshDatabase } from '../_util/stores.js';

const defaults = {
  dialects: 'sqlite',
  members: '100000',
  issues: '50',
  votes: '10000000',
  requests: '200',
  newVotes: '1000',
  routeSeconds: '600',
  requestTimeout: '600',
  seed: '1',
  serverNodeFlags: '',
};

describe('bench-model options', () => {
  it('reads the defaults: 100,000 members, 50 issues, 10 M votes, 200 requests, 1,000 new votes, on SQLite', () => {
    expect(parseModelBenchOptions(defaults)).toEqual({
      dialects: ['sqlite'],
      members: 100_000,
      issues: 50,
      votes: 10_000_000,
      requests: 200,
      newVotes: 1000,
      routeSeconds: 600,
      requestTimeoutSeconds: 600,
      seed: 1,
      routes: modelRoutes.map((r) => r.name),
      serverNodeFlags: [],
      database: null,
      keep: false,
      seedOnly: false,
    });
    expect(parseModelBenchOptions({ ...defaults, database: '/tmp/x.db', keep: true, seedOnly: true })).toMatchObject({
      database: '/tmp/x.db',
      keep: true,
      seedOnly: true,
    });
    expect(parseModelBenchOptions({ ...defaults, routes: 'health, member-loop' })).toMatchObject({ routes: ['health', 'member-loop'] });
    expect(parseModelBenchOptions({ ...defaults, dialects: 'sqlite,postgres', serverNodeFlags: ' --max-old-space-size=8192 ' })).toMatchObject({
      dialects: ['sqlite', 'postgres'],
      serverNodeFlags: ['--max-old-space-size=8192'],
    });
  });

  it('names the option of a bad value and the rule', () => {
    expect(parseModelBenchOptions({ ...defaults, dialects: 'mysql' })).toMatch(/^--dialects: /);
    expect(parseModelBenchOptions({ ...defaults, members: '4' })).toMatch(/^--members: at least 5/);
    expect(parseModelBenchOptions({ ...defaults, members: 'many' })).toMatch(/^--members: a positive integer/);
    expect(parseModelBenchOptions({ ...defaults, issues: '2' })).toMatch(/^--issues: at least 3/);
    expect(parseModelBenchOptions({ ...defaults, votes: '0' })).toMatch(/^--votes: a positive integer/);
    expect(parseModelBenchOptions({ ...defaults, votes: '10', issues: '20' })).toMatch(/^--votes: at least one per issue/);
    expect(parseModelBenchOptions({ ...defaults, requests: '-1' })).toMatch(/^--requests: /);
    expect(parseModelBenchOptions({ ...defaults, newVotes: '1.5' })).toMatch(/^--new-votes: /);
    expect(parseModelBenchOptions({ ...defaults, routeSeconds: '0' })).toMatch(/^--route-seconds: /);
    expect(parseModelBenchOptions({ ...defaults, seed: 'x' })).toMatch(/^--seed: /);
    expect(parseModelBenchOptions({ ...defaults, routes: 'health,pulse' })).toMatch(/^--routes: names among health, .*\(not "pulse"\)/);
    expect(parseModelBenchOptions({ ...defaults, dialects: 'sqlite,postgres', database: '/tmp/x.db' })).toMatch(/^--database: .*SQLite/);
    expect(parseModelBenchOptions({ ...defaults, database: ' ' })).toMatch(/^--database: /);
    expect(parseModelBenchOptions({ ...defaults, dialects: 'postgres', keep: true })).toMatch(/^--keep: SQLite only/);
  });
});

/** Per issue: each pair's newest logged vote, as `statement member value castAt`, sorted. */
function newestLogged(log: votes.LoggedVote[]): string[] {
  const newest = new Map<string, votes.LoggedVote>();
  for (const v of log) newest.set(`${v.statementId} ${v.memberId}`, v);
  return [...newest.values()].map(asText).sort();
}
const asText = (v: votes.LoggedVote) => `${v.statementId} ${v.memberId} ${v.value} ${new Date(v.castAt).toISOString()}`;

describe('the bench organisation', () => {
  const size = { members: 60, issues: 4, votes: 2001, sessions: 10, seed: 7 };

  for (const dialect of dialects) {
    it(`${dialect}: writes the votes asked for, lines, answers and reports, with the events the model rebuilds the same facts from; every current vote is its member's newest logged one; the same seed gives the same votes`, async () => {
      const valuesOf = async () => {
        const database = await freshDatabase(dialect);
        try {
          const org = await seedModelBenchOrganisation(database, size);
          expect(org.written).toMatchObject({ members: 60, statements: 160, votes: 2001, analyses: 2, lineVersions: 3 });
          expect(org.written.endorsements).toBeGreaterThan(0);
          expect(org.written.reports).toBeGreaterThan(0);
          expect(org.issueIds).toHaveLength(4);
          expect(org.lineIssueIds).toEqual([org.issueIds[0], org.issueIds[3]]);
          expect(org.gathering.map((g) => g.issueId)).toEqual([org.issueIds[1], org.issueIds[2]]);
          expect(org.sessionTokens).toHaveLength(10);
          const store = openStore(database);
          try {
            const facts = await loadModelFacts(store.db, org.orgId);
            expect(facts.acts.filter((a) => a.kind === 'vote')).toHaveLength(2001);
            expect(facts.lines).toHaveLength(3);
            expect(facts.reports.length).toBe(org.written.reports);
            expect(facts.acts.some((a) => a.memberId === org.memberIds[0] && a.kind === 'vote')).toBe(true);
            expect(await loadModelFactsFromEvents(store.db, org.orgId)).toEqual(facts);
            const logs = await Promise.all(org.issueIds.map((id) => votes.voteLogOfIssue(store.db, org.orgId, id)));
            for (const [i, id] of org.issueIds.entries()) {
              const current = (await votes.currentVotesOfIssue(store.db, org.orgId, id)).map(asText).sort();
              expect(current.length).toBeGreaterThan(0);
              expect(current).toEqual(newestLogged(logs[i]!));
            }
            // Each analysis covers its issue's whole log.
            const analysed = await store.db.selectFrom('analyses').select(['issue_id', 'votes_seq']).execute();
            expect(analysed).toHaveLength(2);
            for (const a of analysed) expect(Number(a.votes_seq)).toBe(await votes.voteLogHead(store.db, a.issue_id));
            // The seeded member can read: the session is live.
            expect(await sessions.findLiveSession(store.db, tokenHash(org.sessionTokens[0]!), new Date().toISOString())).toMatchObject({
              member_id: org.memberIds[0],
            });
            return logs.map((log) => log.map((v) => v.value));
          } finally {
            await store.close();
          }
        } finally {
          await database.drop();
        }
      };
      const first = await valuesOf();
      expect(first.map((l) => l.length)).toEqual([501, 500, 500, 500]);
      expect(await valuesOf()).toEqual(first);
    }, 60_000);
  }

  it('sqlite: the file is left as the store makes it (WAL, the same indexes, foreign keys whole) and tells the options it was seeded with', async () => {
    const seeded = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-model-test-'));
    const migrated = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-model-test-'));
    try {
      await seedModelBenchOrganisation({ dataDir: seeded, databaseUrl: undefined }, size);
      const store = openStore({ dataDir: migrated, databaseUrl: undefined });
      await store.migrate();
      await store.close();
      const schemaOf = (dataDir: string) => {
        const raw = new SqliteDatabase(sqliteFile(dataDir), { readonly: true });
        try {
          return {
            mode: raw.pragma('journal_mode', { simple: true }),
            indexes: raw.prepare("select name, tbl_name, sql from sqlite_master where type = 'index' order by name").all(),
            broken: raw.prepare('pragma foreign_key_check').all(),
          };
        } finally {
          raw.close();
        }
      };
      const after = schemaOf(seeded);
      expect(after).toEqual({ ...schemaOf(migrated), mode: 'wal' });
      expect(after.indexes.map((x) => (x as { name: string }).name)).toEqual(expect.arrayContaining(['vote_log_issue', 'votes_issue_member']));
      const file = sqliteFile(seeded);
      expect(modelBenchDatabaseState(file, size)).toBe('seeded');
      expect(modelBenchDatabaseState(file, { ...size, votes: 3000 })).toMatch(/seeded with other options \(--votes 2001\)/);
      expect(modelBenchDatabaseState(file, { ...size, seed: 8, members: 61 })).toMatch(/\(--members 60, --seed 7\)/);
      expect(modelBenchDatabaseState(sqliteFile(migrated), size)).toMatch(/was not seeded by bench-model/);
      expect(modelBenchDatabaseState(path.join(migrated, 'absent.db'), size)).toBe('absent');
    } finally {
      fs.rmSync(seeded, { recursive: true, force: true });
      fs.rmSync(migrated, { recursive: true, force: true });
    }
  });
});

describe('massline bench-model', () => {
  it('a tiny run on the built binary: every model route answered in every phase, the new votes cast, the figures in order', () => {
    const out = execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'bin/massline'),
        'bench-model',
        '--members',
        '200',
        '--issues',
        '3',
        '--votes',
        '5000',
        '--requests',
        '5',
        '--new-votes',
        '100',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const lines = out.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!) as ModelBenchReport;
    const sqlite = report.sqlite!;
    expect(sqlite.seed.written).toMatchObject({ members: 200, votes: 5000 });
    expect(sqlite.newVotes).toMatchObject({ cast: 100, failures: 0 });
    expect(Object.keys(sqlite.routes)).toEqual(modelRoutes.map((r) => r.name));
    for (const route of modelRoutes) {
      for (const p of modelPhases) {
        const f = sqlite.routes[route.name]![p]!;
        expect(f, `${route.name} ${p}`).toMatchObject({ requests: 5, failures: 0 });
        expect(f.p50Ms).toBeGreaterThan(0);
        expect(f.p50Ms).toBeLessThanOrEqual(f.p99Ms);
        expect(f.p99Ms).toBeLessThanOrEqual(f.maxMs);
      }
    }
    expect(out).toMatch(/^sqlite +health +cold +5 /m);
  }, 90_000);

  it('--database FILE --keep seeds once into the file; a later run with --database measures it without seeding; other options are refused, naming them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-model-test-'));
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'bench-model', '--members', '200', '--issues', '3', '--votes', '5000', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const reportOf = (out: string) => JSON.parse(out.trim().split('\n').pop()!) as ModelBenchReport;
    try {
      const file = path.join(dir, 'kept', 'bench.db');
      const seeded = run('--database', file, '--keep', '--seed-only', '--json');
      expect(reportOf(seeded).sqlite!.seed).toMatchObject({ reused: false, written: { members: 200, votes: 5000 } });
      expect(reportOf(seeded).sqlite!.routes).toEqual({});
      expect(seeded).toContain(`kept ${file}`);
      expect(fs.existsSync(file)).toBe(true);

      const again = run('--database', file, '--requests', '2', '--new-votes', '10', '--routes', 'health,member-loop', '--json');
      expect(again).toContain('not seeded again');
      const report = reportOf(again).sqlite!;
      expect(report.seed).toMatchObject({ reused: true, seconds: 0, written: { members: 200, votes: 5000 } });
      expect(report.newVotes).toMatchObject({ cast: 10, failures: 0 });
      expect(report.routes.health!.warm).toMatchObject({ requests: 2, failures: 0 });
      expect(report.routes['member-loop']!.afterNewVotes).toMatchObject({ requests: 2, failures: 0 });
      // A second run on the same file: its new votes are its own (fresh keys), so they are cast too.
      expect(reportOf(run('--database', file, '--requests', '1', '--new-votes', '10', '--routes', 'health', '--json')).sqlite!.newVotes).toMatchObject({
        cast: 10,
        failures: 0,
      });
      expect(fs.existsSync(file)).toBe(true);

      let refused: { status: number; stderr: string } | undefined;
      try {
        run('--votes', '6000', '--database', file, '--seed-only');
      } catch (e) {
        refused = e as { status: number; stderr: string };
      }
      expect(refused?.status).toBe(2);
      expect(refused?.stderr).toMatch(/--database: .*bench\.db was seeded with other options \(--votes 5000\)/);

      // Without --keep, a file the run seeded is removed afterwards.
      const other = path.join(dir, 'other.db');
      run('--database', other, '--seed-only');
      expect(fs.readdirSync(dir)).toEqual(['kept']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
