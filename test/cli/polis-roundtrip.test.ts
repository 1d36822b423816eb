/** `massline import-polis` then `massline export-polis`, on the built binary: nothing the format holds is lost. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readPolisConversation } from '../../src/cli/polis/format.js';
import { freshDatabase, type TestDatabase } from '../_util/stores.js';

const repo = path.resolve(import.meta.dirname, '../..');
const polisData = path.resolve(repo, '../shared/data/polis');
const conversations = fs.readdirSync(polisData).filter((d) => fs.existsSync(path.join(polisData, d, 'comments.csv')));
/** Conversations with comments longer than the API takes for a statement (Pol.is allowed 500 characters there), or empty: refused whole. */
const refused: Record<string, RegExp> = {
  'football-concussions':
    /football-concussions: comments\.csv row \d+: comment-body must be at most 400 characters \(it has \d+\): a statement's text in Massline; and 3 more rows break the same rules \(rows \d+, \d+, \d+\); nothing was imported/,
};
const importable = conversations.filter((c) => !(c in refused));

function massline(args: string[], env: Record<string, string | undefined>): string {
  return execFileSync(process.execPath, [path.join(repo, 'bin/massline'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const voteKey = (v: { timestamp: number | null; commentId: string; voterId: string; vote: number }) => `${v.timestamp}|${v.commentId}|${v.voterId}|${v.vote}`;

function roundTrip(dir: string, db: TestDatabase) {
  const env = { DATABASE_URL: db.databaseUrl, MASSLINE_DATA_DIR: db.dataDir };
  const imported = JSON.parse(massline(['import-polis', dir, '--json'], env)) as {
    organisation: string;
    issue: string;
    participants: number;
    statements: number;
    votes: number;
  };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-export-'));
  massline(['export-polis', '--issue', imported.issue, '--out', out], env);
  return { imported, original: readPolisConversation(dir), exported: readPolisConversation(out) };
}

describe('Pol.is round trip', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it.each(importable)('%s: exported votes, comments and groups equal the imported ones (SQLite)', async (name) => {
    const db = await freshDatabase('sqlite');
    dbs.push(db);
    const { imported, original, exported } = roundTrip(path.join(polisData, name), db);
    expect(imported.statements).toBe(original.comments.length);
    expect(imported.votes).toBe(original.votes.length);
    expect(exported.votes.map(voteKey).sort()).toEqual(original.votes.map(voteKey).sort());
    // Texts are trimmed, as the API stores a statement's.
    const comment = (c: { id: string; authorId: string; timestamp: number; moderated: number; body: string }) =>
      [c.id, c.authorId, c.timestamp, c.moderated, c.body.trim()].join('|');
    expect(exported.comments.map(comment).sort()).toEqual(original.comments.map(comment).sort());
    const groups = (ps: { id: string; groupId: string | null }[]) =>
      ps
        .filter((p) => p.groupId !== null)
        .map((p) => `${p.id}:${p.groupId}`)
        .sort();
    expect(groups(exported.participants)).toEqual(groups(original.participants));
    expect(exported.summary.topic).toBe(original.summary.topic);
    console.log(`${name}: ${imported.participants} participants, ${imported.statements} statements, ${imported.votes} votes round-tripped`);
  });

  it('the same on PostgreSQL (DATABASE_URL)', async () => {
    const db = await freshDatabase('postgres');
    dbs.push(db);
    const { original, exported } = roundTrip(path.join(polisData, '15-per-hour-seattle'), db);
    expect(exported.votes.map(voteKey).sort()).toEqual(original.votes.map(voteKey).sort());
  });

  it('reads participants-votes.csv where votes.csv is missing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-matrix-'));
    for (const f of ['comments.csv', 'participants-votes.csv', 'summary.csv'])
      fs.copyFileSync(path.join(polisData, 'london.youth.policing', f), path.join(dir, f));
    const db = await freshDatabase('sqlite');
    dbs.push(db);
    const { imported, exported } = roundTrip(dir, db);
    const full = readPolisConversation(path.join(polisData, 'london.youth.policing'));
    const latest = new Map(full.votes.map((v) => [`${v.commentId}|${v.voterId}`, v.vote]));
    expect(imported.votes).toBe(latest.size);
    const back = new Map(exported.votes.map((v) => [`${v.commentId}|${v.voterId}`, v.vote]));
    expect(back).toEqual(latest);
  });

  it.each(Object.entries(refused))(
    "%s breaks the API's rules for a statement: refused whole with exit code 2, naming the rows, and nothing is imported",
    (name, message) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-refused-'));
      const r = spawnSync(process.execPath, [path.join(repo, 'bin/massline'), 'import-polis', path.join(polisData, name), '--data-dir', dir], {
        env: { ...process.env, DATABASE_URL: undefined },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(fs.readdirSync(dir)).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );

  it('answers a missing folder with a clear message and exit code 2', () => {
    expect(() => massline(['import-polis', '/nonexistent/folder'], {})).toThrow(/not a folder/);
  });
});
