/**
 * What the storage itself keeps of criticism once its batch is published (issue 15, acceptance
 * 2), read below the SQL rows: on PostgreSQL the heap order (`ctid`) and the writing transaction
 * (`xmin`) of the criticism tables; on SQLite the bytes of the database file and its WAL. Neither
 * shows the order criticism arrived in, and no table links a spent token to its criticism.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { CriticismToken } from '../../src/contract/criticism-tokens.js';
import { spentTokenHash } from '../../src/server/services/criticism-tokens.js';
import { sqliteFile } from '../../src/store/db.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { criticise, fetchTokens } from '../_util/criticism.js';
import { pathOf, routeTable } from '../_util/routes.js';

/** Spearman's rank correlation of a permutation of 0…n-1 with 0…n-1: near 0 when unrelated, 1 in order. */
function rankCorrelation(order: readonly number[]): number {
  const n = order.length;
  const d2 = order.reduce((s, r, i) => s + (r - i) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

const CRITICISMS = 60;

describe.each(dialects)('criticism in the raw storage on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-11-25T08:00:00Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => new Date(now) });
  });
  afterAll(async () => h?.close());

  /** One day of criticism sent one a minute, with distinctive words, then its batch published. */
  async function sendAndPublish(trial: number) {
    now = Date.parse('2026-11-25T08:00:00Z') + trial * 7 * 86_400_000;
    const org = await signUp(h.app);
    const reader = await joinAsMember(h.app, org);
    const tokens: CriticismToken[] = [];
    while (tokens.length < CRITICISMS) tokens.push(...(await fetchTokens((await joinAsMember(h.app, org)).client, org.orgId, 5)));
    const markers: string[] = [];
    const ids: string[] = [];
    for (const [i, token] of tokens.entries()) {
      now += 60_000;
      const marker = `ARRIVAL-${trial}-${String(i).padStart(3, '0')}-MARK`;
      const res = await criticise(h.app, org.orgId, token, `Criticism ${marker} of the leadership, sent in order.`);
      expect(res.statusCode, res.body).toBe(201);
      markers.push(marker);
      ids.push(res.json().id);
    }
    // The next day's publication.
    now = Date.parse('2026-11-26T18:00:00Z') + trial * 7 * 86_400_000;
    const list = (await reader.client.get(pathOf(routeTable.criticisms, { orgId: org.orgId }))).json();
    expect(list.criticisms).toHaveLength(CRITICISMS);
    return { orgId: org.orgId, markers, ids, tokenHashes: tokens.map((t) => spentTokenHash(t.message)) };
  }

  async function noLinkFromTokens(orgId: string, ids: readonly string[]) {
    const db = h.ctx.store.db;
    const spent = await db.selectFrom('criticism_spent_tokens').selectAll().where('org_id', '=', orgId).execute();
    expect(spent).toHaveLength(CRITICISMS);
    for (const s of spent) expect(s.pending_criticism_id).toBeNull();
    // No value of any table but the criticism's own tables names a criticism of the batch.
    const idSet = new Set(ids);
    for (const t of await db.introspection.getTables()) {
      if (['criticisms', 'criticism_seconds', 'criticism_answers'].includes(t.name) || t.name.startsWith('kysely_')) continue;
      const rows = await db
        .selectFrom(t.name as 'organisations')
        .selectAll()
        .execute();
      for (const row of rows) for (const v of Object.values(row)) expect(typeof v === 'string' && idSet.has(v), `${t.name} names a criticism`).toBe(false);
    }
  }

  it.runIf(dialect === 'postgres')('leaves the batch in a heap order unrelated to arrival, all written by the publication, no token linked', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const { orgId, ids, tokenHashes } = await sendAndPublish(trial);
      const db = h.ctx.store.db;
      const criticisms = await sql<{ id: string; xmin: string }>`select id, xmin::text as xmin from criticisms where org_id = ${orgId} order by ctid`.execute(
        db,
      );
      const spent = await sql<{
        token_hash: string;
        xmin: string;
      }>`select token_hash, xmin::text as xmin from criticism_spent_tokens where org_id = ${orgId} order by ctid`.execute(db);
      // One transaction wrote every row of the batch, criticism and spent token alike: xmin says nothing of arrival.
      const xmins = new Set([...criticisms.rows, ...spent.rows].map((r) => r.xmin));
      expect(xmins.size).toBe(1);
      // The heap order of each table is unrelated to arrival (in arrival order it would be 1).
      const arrivalOf = new Map(ids.map((id, i) => [id, i]));
      const tokenArrival = new Map(tokenHashes.map((t, i) => [t, i]));
      const byCriticism = criticisms.rows.map((r) => arrivalOf.get(r.id)!);
      const byToken = spent.rows.map((r) => tokenArrival.get(r.token_hash)!);
      expect(byCriticism.every((x) => x !== undefined) && byToken.every((x) => x !== undefined)).toBe(true);
      expect(Math.abs(rankCorrelation(byCriticism)), `trial ${trial}: criticisms in heap order`).toBeLessThan(0.5);
      expect(Math.abs(rankCorrelation(byToken)), `trial ${trial}: spent tokens in heap order`).toBeLessThan(0.5);
      await noLinkFromTokens(orgId, ids);
    }
  });

  it.runIf(dialect === 'sqlite')('leaves the file in an order unrelated to arrival, nothing in free space, the WAL truncated, no token linked', async () => {
    const file = sqliteFile(h.database.dataDir);
    for (let trial = 0; trial < 3; trial++) {
      const { orgId, ids } = await sendAndPublish(trial);
      // The publication truncated the WAL: nothing of the day's commits is left in it.
      const wal = `${file}-wal`;
      expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0, 'WAL bytes after publication').toBe(0);
      const bytes = fs.readFileSync(file).toString('latin1');
      const pageSize = Number((await sql<{ page_size: number }>`pragma page_size`.execute(h.ctx.store.db)).rows[0]!.page_size);
      const criticismPages = new Set(
        (await sql<{ pageno: number }>`select pageno from dbstat where name = 'criticisms'`.execute(h.ctx.store.db)).rows.map((r) => Number(r.pageno)),
      );
      const occurrences = [...bytes.matchAll(new RegExp(`ARRIVAL-${trial}-(\\d{3})-MARK`, 'g'))].map((m) => ({
        arrival: Number(m[1]),
        page: Math.floor(m.index / pageSize) + 1,
      }));
      // Every text is in the file, and only in the criticism table's own pages: none left in free
      // pages or elsewhere (secure_delete). SQLite may leave a fragment of a cell it moved in the
      // unused middle of a page it rebalanced; rarely, never a copy of each.
      expect(new Set(occurrences.map((o) => o.arrival)).size).toBe(CRITICISMS);
      for (const o of occurrences) expect(criticismPages.has(o.page), `ARRIVAL-${trial}-${o.arrival} on page ${o.page}, not the criticism table's`).toBe(true);
      expect(occurrences.length - CRITICISMS, 'texts left behind twice').toBeLessThanOrEqual(CRITICISMS / 10);
      // In an order unrelated to arrival (in arrival order it would be 1).
      const firstSeen = [...new Set(occurrences.map((o) => o.arrival))];
      expect(Math.abs(rankCorrelation(firstSeen)), `trial ${trial}: texts in file order`).toBeLessThan(0.5);
      await noLinkFromTokens(orgId, ids);
    }
  });
});
