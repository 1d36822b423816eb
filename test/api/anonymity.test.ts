/**
 * Nothing links a criticism to its author (issue #6, acceptance 4), on every dialect: not the
 * schema, not any row written, not the logs (captured at trace level), not the responses or
 * their headers; tokens issued to identified members never meet the tokens spent; batches are
 * published in an order unrelated to arrival; the issued-token counts are published and hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { requestTokens, type CriticismToken } from '../../src/contract/criticism-tokens.js';
import { buildApp, createContext, loadConfig } from '../../src/server/index.js';
import { dialects, freshDatabase, type TestDatabase } from '../_util/stores.js';
import { Client, joinAsMember, plainHasher, signUp, type Harness } from '../_util/app.js';
import { criticise, currentKey } from '../_util/criticism.js';
import { pathOf, routeTable } from '../_util/routes.js';

type Rows = Map<string, Set<string>>;

describe.each(dialects)('anonymity of criticism on %s', (dialect) => {
  let h: Harness;
  let database: TestDatabase;
  const logs: string[] = [];
  let now = Date.parse('2026-11-24T10:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase(dialect);
    const config = loadConfig(
      {},
      { dataDir: database.dataDir, databaseUrl: database.databaseUrl, logLevel: 'trace', analysisDebounceMs: 0, rateLimits: 'off' },
    );
    const ctx = await createContext(config, { passwords: plainHasher, clock: () => new Date(now), analysisMode: 'inline' });
    const app = await buildApp(ctx, { logStream: { write: (line: string) => void logs.push(line) } });
    h = {
      app,
      ctx,
      database,
      async close() {
        await app.close();
        await ctx.close();
        await database.drop();
      },
    };
  });
  afterAll(async () => h?.close());

  const tables = async () => (await h.ctx.store.db.introspection.getTables()).filter((t) => !t.name.startsWith('kysely_'));
  async function snapshot(): Promise<Rows> {
    const out: Rows = new Map();
    for (const t of await tables()) {
      const rows = await h.ctx.store.db
        .selectFrom(t.name as 'organisations')
        .selectAll()
        .execute();
      out.set(t.name, new Set(rows.map((r) => JSON.stringify(r))));
    }
    return out;
  }
  function diff(before: Rows, after: Rows) {
    const changes: Record<string, { added: string[]; removed: string[] }> = {};
    for (const [t, rows] of after) {
      const was = before.get(t) ?? new Set<string>();
      const added = [...rows].filter((r) => !was.has(r));
      const removed = [...was].filter((r) => !rows.has(r));
      if (added.length || removed.length) changes[t] = { added, removed };
    }
    return changes;
  }

  it('keeps no column that could point at an author, a session, an address or a time finer than a day', async () => {
    const cols = new Map((await tables()).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
    expect(cols.get('criticisms')).toEqual(
      ['content_hash', 'entry_hash', 'id', 'org_id', 'position', 'prev_hash', 'published_at', 'target_id', 'target_kind', 'text', 'written_on'].sort(),
    );
    // A spent token names its criticism only while it waits for its batch (cleared at publication).
    expect(cols.get('criticism_spent_tokens')).toEqual(['epoch', 'org_id', 'pending_criticism_id', 'token_hash']);
    // Issuance keeps a count per member and epoch, and hashes of the blinded messages signed
    // (so a repeated request counts once): blinding hides what tokens they become.
    expect(cols.get('criticism_issuance')).toEqual(['epoch', 'member_id', 'org_id', 'tokens']);
    expect(cols.get('criticism_blinded')).toEqual(['blinded_hash', 'epoch', 'member_id', 'org_id']);
    for (const t of ['criticisms', 'criticism_spent_tokens']) {
      for (const c of cols.get(t) ?? []) expect(c).not.toMatch(/member|author|session|invite|^ip|agent|request|created|updated|seen|time/i);
    }
    if (dialect === 'sqlite') {
      // No rowid: the storage order of criticism does not follow arrival either.
      const defs = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where name in ('criticisms', 'criticism_spent_tokens')`.execute(
        h.ctx.store.db,
      );
      for (const d of defs.rows) expect(d.sql.toLowerCase(), d.name).toMatch(/without rowid\s*$/);
    }
  });

  it('links no criticism to its author in the rows, the logs, the responses or the headers', async () => {
    const org = await signUp(h.app);
    const { orgId } = org;
    const members = [];
    for (let i = 0; i < 50; i++) members.push(await joinAsMember(h.app, org));

    // Issuance, recorded as the server saw it: every identified request and response.
    const identified: string[] = [];
    const tokens: { member: number; token: CriticismToken }[] = [];
    const before = await snapshot();
    for (const [i, m] of members.entries()) {
      const e = await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }));
      const { epoch, publicKey } = currentKey(e.json());
      const r = await requestTokens(epoch, publicKey, 1);
      const res = await m.client.post(pathOf(routeTable.criticismTokens, { orgId }), { epoch, blinded: r.blinded });
      identified.push(e.body, JSON.stringify(r.blinded), res.body, JSON.stringify(res.headers));
      for (const token of await r.finish(res.json().blindSignatures)) tokens.push({ member: i, token });
    }
    // Issuing changed the count per (member, epoch) and the blinded messages' hashes, made this
    // epoch's key and the next one's and published them in the chain: nothing else.
    const issued = diff(before, await snapshot());
    expect(Object.keys(issued).sort()).toEqual(['criticism_blinded', 'criticism_chain_heads', 'criticism_issuance', 'criticism_keys']);
    expect(issued.criticism_issuance!.added).toHaveLength(50);
    expect(issued.criticism_blinded!.added).toHaveLength(50);
    expect(issued.criticism_keys!.added).toHaveLength(2);
    for (const row of issued.criticism_issuance!.added) expect(Object.keys(JSON.parse(row)).sort()).toEqual(['epoch', 'member_id', 'org_id', 'tokens']);

    // Spending: 30 members, in shuffled order, half of them sending their session cookie anyway.
    const spenders = [...Array(50).keys()].sort(() => Math.random() - 0.5).slice(0, 30);
    const spent: CriticismToken[] = [];
    const beforeSpend = await snapshot();
    const logLinesBefore = logs.length;
    const responses: string[] = [];
    for (const [n, i] of spenders.entries()) {
      const { token } = tokens.find((t) => t.member === i)!;
      const via = n % 2 === 0 ? members[i]!.client : new Client(h.app);
      const res = await criticise(
        h.app,
        org.orgId,
        token,
        `Criticism number ${n}: the leadership did not report back on the vote.`,
        { kind: 'leadership' },
        via,
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['set-cookie']).toBeUndefined();
      responses.push(res.body, JSON.stringify(res.headers));
      spent.push(token);
    }
    // Error paths are just as silent, and answer the same whoever sends them.
    const forged = { ...spent[0]!, message: spent[1]!.message };
    const withCookie = await criticise(h.app, org.orgId, forged, 'A criticism with a token that does not verify.', { kind: 'leadership' }, members[3]!.client);
    const without = await criticise(h.app, org.orgId, forged, 'A criticism with a token that does not verify.');
    expect(withCookie.statusCode).toBe(403);
    expect(withCookie.body).toBe(without.body);
    expect((await criticise(h.app, org.orgId, spent[0]!, 'x'.repeat(100_000))).statusCode).toBe(413);

    // Only the criticism and the spent token were written: no session touched, no counter moved.
    const spentRows = diff(beforeSpend, await snapshot());
    expect(Object.keys(spentRows).sort()).toEqual(['criticism_spent_tokens', 'criticisms']);
    expect(spentRows.criticisms!.added).toHaveLength(30);
    expect(spentRows.criticism_spent_tokens!.added).toHaveLength(30);
    expect(spentRows.criticisms!.removed).toHaveLength(0);

    // Nothing was logged for any of it, although everything identified is logged at this level.
    expect(logs.slice(logLinesBefore)).toEqual([]);
    await members[0]!.client.get(pathOf(routeTable.criticisms, { orgId }));
    expect(logs.length).toBeGreaterThan(logLinesBefore);

    // No stored or returned value of the spending ever passed through an identified request:
    // the server signed blinded messages and cannot recognise the tokens it signed.
    const seen = identified.join('\n');
    const spentTable = await h.ctx.store.db.selectFrom('criticism_spent_tokens').select('token_hash').execute();
    for (const t of spent) {
      expect(seen).not.toContain(t.message);
      expect(seen).not.toContain(t.signature);
    }
    for (const r of spentTable) expect(seen).not.toContain(r.token_hash);
    // No response or header of the spending names a member or a session.
    const answered = responses.join('\n');
    for (const m of members) {
      expect(answered).not.toContain(m.memberId);
      if (m.client.cookie) expect(answered).not.toContain(m.client.cookie);
    }

    // Published: the next day's batch; the list carries no member id of any author.
    now = Date.parse('2026-11-25T18:00:00Z');
    const list = (await members[0]!.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
    expect(list.criticisms).toHaveLength(30);
    // Published: no spent token names a criticism any more.
    const links = await h.ctx.store.db.selectFrom('criticism_spent_tokens').select('pending_criticism_id').where('org_id', '=', org.orgId).execute();
    expect(links).toHaveLength(30);
    for (const l of links) expect(l.pending_criticism_id).toBeNull();
    const shown = JSON.stringify(list.criticisms);
    for (const m of members) expect(shown).not.toContain(m.memberId);

    // The issued-token count per epoch is published, and holds: 1 to each of 50 members, 30 spent.
    expect(list.epochs).toEqual([{ epoch: '2026-W48', tokensIssued: 50, membersIssued: 50, tokensSpent: 30, ceiling: 5 * 51 }]);
    for (const e of list.epochs) {
      expect(e.tokensSpent).toBeLessThanOrEqual(e.tokensIssued);
      expect(e.tokensIssued).toBeLessThanOrEqual(e.ceiling);
    }
  });

  it('publishes a batch with the date only, in an order unrelated to arrival', async () => {
    now = Date.parse('2026-11-26T08:00:00Z');
    const org = await signUp(h.app);
    const m = await joinAsMember(h.app, org);
    const tokens: CriticismToken[] = [];
    // Twelve members' tokens (a quota of 5 each).
    while (tokens.length < 60) {
      const more = await joinAsMember(h.app, org);
      const e = currentKey((await more.client.get(pathOf(routeTable.criticismEpoch, { orgId: org.orgId }))).json());
      const r = await requestTokens(e.epoch, e.publicKey, 5);
      tokens.push(
        ...(await r.finish(
          (await more.client.post(pathOf(routeTable.criticismTokens, { orgId: org.orgId }), { epoch: e.epoch, blinded: r.blinded })).json().blindSignatures,
        )),
      );
    }
    const ids: string[] = [];
    for (const [i, t] of tokens.entries()) {
      now += 60_000; // one a minute through the day
      ids.push((await criticise(h.app, org.orgId, t, `Arrival number ${i} of the day, about the leadership.`)).json().id);
    }
    now = Date.parse('2026-11-27T18:00:00Z');
    const list = (await m.client.get(pathOf(routeTable.criticisms, { orgId: org.orgId }))).json();
    expect(list.criticisms).toHaveLength(60);
    expect(new Set(list.criticisms.map((c: { publishedAt: string }) => c.publishedAt))).toEqual(new Set(['2026-11-27T18:00:00.000Z']));
    expect(new Set(list.criticisms.map((c: { writtenOn: string }) => c.writtenOn))).toEqual(new Set(['2026-11-26']));
    // Spearman's rank correlation between arrival and place in the chain: near 0 when shuffled
    // (its standard deviation is 1/√59 ≈ 0.13 here; in arrival order it would be 1).
    const positionOf = new Map(list.criticisms.map((c: { id: string; chain: { position: number } }) => [c.id, c.chain.position]));
    const ranks = ids.map((id) => Number(positionOf.get(id)));
    const n = ranks.length;
    const d2 = ranks.reduce((s, r, i) => s + (r - (Math.min(...ranks) + i)) ** 2, 0);
    const rho = 1 - (6 * d2) / (n * (n * n - 1));
    expect(Math.abs(rho)).toBeLessThan(0.5);
  });
});
