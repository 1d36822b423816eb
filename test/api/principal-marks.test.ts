/**
 * The marks of MODEL.md §6 through the routes, on every dialect: members mark an issue important
 * and take the mark back, organisers mark which issue must be resolved first and take that back,
 * and the principal contradiction follows, blocking first, with its reasons in sentences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFacts, loadModelFactsFromEvents } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness, type Org } from '../_util/app.js';

describe.each(dialects)('the principal contradiction’s marks on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-02-01T09:00:00Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => new Date((now += 1000)), analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  it('follows the members’ importance and the organisers’ blocking marks', async () => {
    const org: Org = await signUp(h.app);
    const base = `/api/orgs/${org.orgId}`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(status);
      return r.body ? r.json() : null;
    };
    const depot = await ok(org.admin.post(`${base}/issues`, { title: 'Depot safety' }), 201);
    const nights = await ok(org.admin.post(`${base}/issues`, { title: 'Night shifts' }), 201);
    const members: Client[] = [];
    for (let i = 0; i < 4; i++) members.push((await joinAsMember(h.app, org)).client);
    const ranking = async () => (await ok(members[0]!.get(`${base}/principal-contradiction`))).ranking as { title: string; reasons: string[] }[];

    // Three of four members mark night shifts important: it leads.
    for (const m of members.slice(0, 3)) await ok(m.put(`${base}/issues/${nights.id}/importance`), 204);
    // The organiser's own mark is not the masses' intensity, nor is the organiser counted among the members.
    await ok(org.admin.put(`${base}/issues/${depot.id}/importance`), 204);
    const marked = await ranking();
    expect(marked.map((r) => r.title)).toEqual(['Night shifts', 'Depot safety']);
    expect(marked[0]!.reasons).toContain('Marked important by 3 of 4 members (75 %)');
    expect(marked[1]!.reasons).toContain('No member has marked it important yet');
    expect(await ok(org.admin.get(`${base}/issues/${depot.id}/marks`))).toMatchObject({ importantToMe: true, markedImportant: 0 });
    expect(await ok(members[0]!.get(`${base}/issues/${nights.id}/marks`))).toEqual({ importantToMe: true, markedImportant: 3, blocks: [], blockedBy: [] });
    expect(await ok(members[3]!.get(`${base}/issues/${nights.id}/marks`))).toMatchObject({ importantToMe: false, markedImportant: 3 });
    await ok(members[2]!.delete(`${base}/issues/${nights.id}/importance`), 204);
    expect(await ok(members[2]!.get(`${base}/issues/${nights.id}/marks`))).toMatchObject({ importantToMe: false, markedImportant: 2 });

    // Depot safety must be resolved before night shifts: it leads, whatever their popularity.
    await ok(org.admin.post(`${base}/issues/${depot.id}/blocks`, { blocks: nights.id }), 204);
    const blocked = await ranking();
    expect(blocked.map((r) => r.title)).toEqual(['Depot safety', 'Night shifts']);
    expect(blocked[0]!.reasons[0]).toBe('Blocks 1 open issue: Night shifts');
    expect(blocked[1]!.reasons).toContain('Waits on Depot safety, which must be resolved first');
    expect(await ok(members[0]!.get(`${base}/issues/${nights.id}/marks`))).toMatchObject({ blockedBy: [{ issueId: depot.id, title: 'Depot safety' }] });
    expect(await ok(org.admin.get(`${base}/issues/${depot.id}/marks`))).toMatchObject({ blocks: [{ issueId: nights.id, title: 'Night shifts' }], blockedBy: [] });
    for (const r of blocked) for (const reason of r.reasons) expect(reason).not.toMatch(/[Π=^]|\d\.\d/);

    // Members may not mark blocking; the mark is taken back by an organiser, twice without harm.
    expect((await members[0]!.delete(`${base}/issues/${depot.id}/blocks/${nights.id}`)).statusCode).toBe(403);
    await ok(org.admin.delete(`${base}/issues/${depot.id}/blocks/${nights.id}`), 204);
    await ok(org.admin.delete(`${base}/issues/${depot.id}/blocks/${nights.id}`), 204);
    expect((await ranking()).map((r) => r.title)).toEqual(['Night shifts', 'Depot safety']);
    const unknown = await org.admin.delete(`${base}/issues/${depot.id}/blocks/nosuchissue0000`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toMatch(/^blockedId/);
    const events = await h.ctx.store.db.selectFrom('events').select(['type']).where('org_id', '=', org.orgId).where('type', '=', 'issue.unblocks').execute();
    expect(events).toHaveLength(1);
    // The facts rebuilt from the event log alone agree with the tables: the block is gone from both.
    const fromTables = await loadModelFacts(h.ctx.store.db, org.orgId);
    expect(fromTables.blocks).toEqual([]);
    expect(await loadModelFactsFromEvents(h.ctx.store.db, org.orgId)).toEqual(fromTables);
  });
});
