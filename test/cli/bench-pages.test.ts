/** `massline bench-pages`: its options, and a short run on the built binary against the demo in Chromium. */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchPages, CHROMIUM, parsePagesBenchOptions, routeOf, type PagesBenchReport } from '../../src/cli/bench/pages.js';
import { pathOf, routeTable, type RouteName } from '../_util/routes.js';
import { repoRoot } from '../_util/server-process.js';

/** A route's path as the bench names it, every id taken out; with its method in front, as the bench counts its requests. */
const benchPath = (name: RouteName) => routeTable[name].path.replace(/:\w+/g, ':id');
const benchRoute = (name: RouteName) => `${routeTable[name].method} ${benchPath(name)}`;

const defaults = { loads: '30', loadTimeout: '120' };

describe('bench-pages options', () => {
  it('reads the defaults: 30 loads of every page, in a temporary folder', () => {
    expect(parsePagesBenchOptions(defaults)).toEqual({ loads: 30, pages: benchPages.map((p) => p.name), dataDir: null, loadTimeoutSeconds: 120 });
    expect(parsePagesBenchOptions({ ...defaults, pages: 'health, my-input', dataDir: 'demo-data' })).toMatchObject({
      pages: ['health', 'my-input'],
      dataDir: path.resolve('demo-data'),
    });
  });

  it('names the option of a bad value and the rule', () => {
    expect(parsePagesBenchOptions({ ...defaults, loads: '1' })).toMatch(/^--loads: .*at least 2/);
    expect(parsePagesBenchOptions({ ...defaults, loads: 'many' })).toMatch(/^--loads: /);
    expect(parsePagesBenchOptions({ ...defaults, loadTimeout: '0' })).toMatch(/^--load-timeout: /);
    expect(parsePagesBenchOptions({ ...defaults, pages: 'health,members' })).toMatch(/^--pages: names among health, principal, my-input.*\(not "members"\)/);
    expect(parsePagesBenchOptions({ ...defaults, pages: 'health,health' })).toMatch(/^--pages: each page once/);
    expect(parsePagesBenchOptions({ ...defaults, dataDir: ' ' })).toMatch(/^--data-dir: /);
  });

  it('names an API request by its route, the ids taken out', () => {
    expect(routeOf(pathOf(routeTable.healthTrail, { orgId: 'x2LMlR0Gb4MUQ1eb', issueId: '85cukdhc9xB0MDoq' }))).toBe(benchPath('healthTrail'));
    expect(routeOf(pathOf(routeTable.health, { orgId: 'x2LMlR0Gb4MUQ1eb' }))).toBe(benchPath('health'));
    expect(routeOf(pathOf(routeTable.me, {}))).toBe(benchPath('me'));
  });
});

describe('massline bench-pages', () => {
  it('a short run on the built binary: the demo built, every page loaded twice in Chromium with its API requests, the figures in order', () => {
    // As the browser tests do: without Chromium this fails, it is never skipped.
    expect(fs.existsSync(CHROMIUM), `bench-pages needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'bin/massline'), 'bench-pages', '--loads', '2', '--json'], {
      encoding: 'utf8',
      timeout: 560_000,
    });
    const lines = out.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!) as PagesBenchReport;
    expect(report.demoBuilt).toBe(true);
    expect(report.loadavg.start).toHaveLength(3);
    expect(Object.keys(report.pages)).toEqual(benchPages.map((p) => p.name));
    for (const [name, f] of Object.entries(report.pages)) {
      expect(f, name).toMatchObject({ loads: 2, failures: 0 });
      expect(f.loadsMs, name).toHaveLength(2);
      expect(f.firstMs, name).toBe(f.loadsMs[0]);
      expect(f.firstMs, name).toBeGreaterThan(0);
      expect(f.p50Ms, name).toBe(f.loadsMs[1]);
      expect(f.p50Ms, name).toBeLessThanOrEqual(f.p99Ms);
      expect(f.p99Ms, name).toBeLessThanOrEqual(f.maxMs);
      // The figures come on screen before or as the whole page is drawn.
      expect(f.shown.firstMs, name).toBeGreaterThan(0);
      expect(f.shown.firstMs, name).toBeLessThanOrEqual(f.firstMs);
      expect(f.shown.p50Ms, name).toBeLessThanOrEqual(f.p50Ms);
      // Every page asks who is signed in, then reads the model; its last answer came before it was drawn.
      expect(f.api.routes[benchRoute('me')], name).toMatchObject({ perLoad: 1 });
      expect(f.api.warm.requests, name).toBeGreaterThanOrEqual(3);
      expect(f.api.warm.totalMs, name).toBeGreaterThan(0);
      expect(f.api.first.lastEndMs, name).toBeLessThanOrEqual(f.firstMs);
      expect(f.api.firstCalls, name).toHaveLength(f.api.first.requests);
      expect(f.api.firstCalls[0]?.startMs, name).toBe(f.api.first.firstStartMs);
    }
    const health = report.pages.health!;
    expect(health.api.routes[benchRoute('health')]).toMatchObject({ perLoad: 1 });
    expect(health.api.routes[benchRoute('changes')]).toMatchObject({ perLoad: 1 });
    // The demo's issues, each with its trail.
    expect(health.api.routes[benchRoute('healthTrail')]?.perLoad).toBeGreaterThanOrEqual(2);
    expect(report.pages.principal!.api.routes[benchRoute('principal')]).toMatchObject({ perLoad: 1 });
    expect(report.pages['my-input']!.api.routes[benchRoute('myInput')]).toMatchObject({ perLoad: 1 });
    expect(out).toMatch(/^health +2 +[\d.]+ /m);
  }, 600_000);
});
