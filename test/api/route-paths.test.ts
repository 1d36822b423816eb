/**
 * Each route's path is written once, in the route table (src/contract/route-table.ts): every
 * other file builds its URLs from the table (`pathOf`). This scans the sources for a route's path
 * as a literal, in any of the forms a URL is written in: `/api/orgs/:orgId`, `/api/orgs/{orgId}`
 * or a template `/api/orgs/${id}` (a path that only begins a longer one counts too, as a base
 * the rest is appended to).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeTable } from '../_util/routes.js';

const root = path.resolve(import.meta.dirname, '../..');
const TABLE = 'src/contract/route-table.ts';
const SELF = 'test/api/route-paths.test.ts';

/**
 * Files that still write a route's path by hand: none. The list is exact: a file that stops doing
 * so must leave it, and no other file may join it.
 * This file's own samples (the test of the pattern below) are its subject, not a use.
 */
const notYetFromTheTable: string[] = [];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : [];
  });
}

/** A route's path as code writes it: each `:param` as itself, `{param}` or `${…}`; not followed by more of a path. */
function pathPattern(template: string): RegExp {
  const parts = template.split(/(:\w+)/).map((part) => {
    const param = /^:(\w+)$/.exec(part);
    return param ? `(?::${param[1]}\\b|\\{${param[1]}\\}|\\$\\{[^}]*\\})` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`${parts.join('')}(?![\\w:{-]|/\\w|/:|/\\$)`);
}

const apiRoutes = Object.entries(routeTable).filter(([, r]) => r.path.startsWith('/api/'));

describe('the route table', () => {
  it('is the only source file that writes a route path', () => {
    const writers = new Map<string, string[]>();
    const files = ['src', 'test', 'e2e'].flatMap(sourceFiles).filter((f) => f !== TABLE && f !== SELF);
    for (const file of files) {
      // Comments may name a route for the reader (docs): only code counts.
      const text = fs
        .readFileSync(path.join(root, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|\s)\/\/.*$/gm, '$1');
      const found = apiRoutes.filter(([, r]) => pathPattern(r.path).test(text)).map(([name]) => name);
      if (found.length) writers.set(file, found);
    }
    expect(
      [...writers.keys()].filter((f) => !notYetFromTheTable.includes(f)),
      'files writing a route path by hand',
    ).toEqual([]);
    expect(
      notYetFromTheTable.filter((f) => !writers.has(f)),
      'files that no longer write a route path: take them off the list',
    ).toEqual([]);
  });

  it('finds a path written by hand in each of its forms', () => {
    const vote = pathPattern(routeTable.vote.path);
    expect(vote.test("app.put('/api/orgs/:orgId/statements/:statementId/vote', …)")).toBe(true);
    expect(vote.test("'PUT /api/orgs/{orgId}/statements/{statementId}/vote'")).toBe(true);
    expect(vote.test('fetch(`/api/orgs/${orgId}/statements/${id}/vote`)')).toBe(true);
    const organisation = pathPattern(routeTable.organisation.path);
    expect(organisation.test('const base = `/api/orgs/${org.orgId}`;')).toBe(true);
    expect(organisation.test('`/api/orgs/${org.orgId}/issues`')).toBe(false);
    expect(vote.test('pathOf(routeTable.vote, { orgId, statementId })')).toBe(false);
  });

  it('has one row per method and path', () => {
    const keys = Object.values(routeTable).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
