/** `massline bench-model`: its options, the organisation it writes, and a tiny run on the built binary. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modelPhases, modelRoutes, parseModelBenchOptions, type ModelBenchReport } from '../../src/cli/bench/model.js';
import { seedModelBenchOrganisation } from '../../src/cli/bench/model-seed.js';
import { loadModelFacts, loadModelFactsFromEvents, openStore, votes } from '../../src/store/index.js';
import { repoRoot } from '../_util/server-process.js';

const defaults = { dialects: 'sqlite', members: '100000', issues: '50', votes: '10000000', requests: '200', newVotes: '1000', routeSeconds: '600', requestTimeout: '600', seed: '1', serverNodeFlags: '' };

describe('bench-model options', () => {
  it('reads the defaults: 100,000 members, 50 issues, 10 M votes, 200 requests, 1,000 new votes, on SQLite', () => {
    expect(parseModelBenchOptions(defaults)).toEqual({ dialects: ['sqlite'], members: 100_000, issues: 50, votes: 10_000_000, requests: 200, newVotes: 1000, routeSeconds: 600, requestTimeoutSeconds: 600, seed: 1, routes: modelRoutes.map((r) => r.name), serverNodeFlags: [] });
    expect(parseModelBenchOptions({ ...defaults, routes: 'health, member-loop' })).toMatchObject({ routes: ['health', 'member-loop'] });
    expect(parseModelBenchOptions({ ...defaults, dialects: 'sqlite,postgres', serverNodeFlags: ' --max-old-space-size=8192 ' })).toMatchObject({ dialects: ['sqlite', 'postgres'], serverNodeFlags: ['--max-old-space-size=8192'] });
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
  });
});

describe('the bench organisation', () => {
  it('writes the votes asked for, lines, answers and reports, with the events the model rebuilds the same facts from; the same seed gives the same votes', async () => {
    const size = { members: 60, issues: 4, votes: 2001, sessions: 10, seed: 7 };
    const valuesOf = async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-bench-model-test-'));
      try {
        const org = await seedModelBenchOrganisation({ dataDir, databaseUrl: undefined }, size);
        expect(org.written).toMatchObject({ members: 60, statements: 160, votes: 2001, analyses: 2, lineVersions: 3 });
        expect(org.written.endorsements).toBeGreaterThan(0);
        expect(org.written.reports).toBeGreaterThan(0);
        expect(org.issueIds).toHaveLength(4);
        expect(org.lineIssueIds).toEqual([org.issueIds[0], org.issueIds[3]]);
        expect(org.gathering.map((g) => g.issueId)).toEqual([org.issueIds[1], org.issueIds[2]]);
        expect(org.sessionTokens).toHaveLength(10);
        const store = openStore({ dataDir, databaseUrl: undefined });
        try {
          const facts = await loadModelFacts(store.db, org.orgId);
          expect(facts.acts.filter((a) => a.kind === 'vote')).toHaveLength(2001);
          expect(facts.lines).toHaveLength(3);
          expect(facts.reports.length).toBe(org.written.reports);
          expect(facts.acts.some((a) => a.memberId === org.memberIds[0] && a.kind === 'vote')).toBe(true);
          expect(await loadModelFactsFromEvents(store.db, org.orgId)).toEqual(facts);
          const logs = await Promise.all(org.issueIds.map((id) => votes.voteLogOfIssue(store.db, org.orgId, id)));
          return logs.map((log) => log.map((v) => v.value));
        } finally {
          await store.close();
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    };
    const first = await valuesOf();
    expect(first.map((l) => l.length)).toEqual([501, 500, 500, 500]);
    expect(await valuesOf()).toEqual(first);
  });
});

describe('massline bench-model', () => {
  it('a tiny run on the built binary: every model route answered in every phase, the new votes cast, the figures in order', () => {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'bench-model', '--members', '200', '--issues', '3', '--votes', '5000', '--requests', '5', '--new-votes', '100', '--json'], { encoding: 'utf8', timeout: 60_000 });
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
});
