/**
 * The marks of MODEL.md §6 through the routes, on every dialect: members mark an issue important
 * and take the mark back, organisers mark which issue must be resolved first and take that back,
 * and the principal contradiction follows, blocking first, with its reasons in sentences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFacts, loadModelFactsFromEvents } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe.each(dialects)('the principal contradiction’s marks on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-02-01T09:00:00Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => new Date((now += 1000)), analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  it('follows the members’ importance and the organisers’ blocking marks', async () => {
    const org: Org = await signUp(h.app);
    const orgId = org.orgId;
    const depot = await org.admin.call('createIssue', { orgId }, { body: { title: 'Depot safety' } });
    const nights = await org.admin.call('createIssue', { orgId }, { body: { title: 'Night shifts' } });
    const members: Client[] = [];
    for (let i = 0; i < 4; i++) members.push((await joinAsMember(h.app, org)).client);
    const ranking = async () => (await members[0]!.call('principal', { orgId })).ranking;

    // Three of four members mark night shifts important: it leads.
    for (const m of members.slice(0, 3)) await m.call('markImportant', { orgId, issueId: nights.id });
    // The organiser's own mark is not the masses' intensity, nor is the organiser counted among the members.
    await org.admin.call('markImportant', { orgId, issueId: depot.id });
    const marked = await ranking();
    expect(marked.map((r) => r.title)).toEqual(['Night shifts', 'Depot safety']);
    expect(marked[0]!.reasons).toContain('Marked important by 3 of 4 members (75 %)');
    expect(marked[1]!.reasons).toContain('No member has marked it important yet');
    expect(await org.admin.call('marks', { orgId, issueId: depot.id })).toMatchObject({ importantToMe: true, markedImportant: 0 });
    expect(await members[0]!.call('marks', { orgId, issueId: nights.id })).toEqual({ importantToMe: true, markedImportant: 3, blocks: [], blockedBy: [] });
    expect(await members[3]!.call('marks', { orgId, issueId: nights.id })).toMatchObject({ importantToMe: false, markedImportant: 3 });
    await members[2]!.call('unmarkImportant', { orgId, issueId: nights.id });
    expect(await members[2]!.call('marks', { orgId, issueId: nights.id })).toMatchObject({ importantToMe: false, markedImportant: 2 });

    // Depot safety must be resolved before night shifts: it leads, whatever their popularity.
    await org.admin.call('markBlocks', { orgId, issueId: depot.id }, { body: { blocks: nights.id } });
    const blocked = await ranking();
    expect(blocked.map((r) => r.title)).toEqual(['Depot safety', 'Night shifts']);
    expect(blocked[0]!.reasons[0]).toBe('Blocks 1 open issue: Night shifts');
    expect(blocked[1]!.reasons).toContain('Waits on Depot safety, which must be resolved first');
    expect(await members[0]!.call('marks', { orgId, issueId: nights.id })).toMatchObject({ blockedBy: [{ issueId: depot.id, title: 'Depot safety' }] });
    expect(await org.admin.call('marks', { orgId, issueId: depot.id })).toMatchObject({
      blocks: [{ issueId: nights.id, title: 'Night shifts' }],
      blockedBy: [],
    });
    for (const r of blocked) for (const reason of r.reasons) expect(reason).not.toMatch(/[Π=^]|\d\.\d/);

    // Members may not mark blocking; the mark is taken back by an organiser, twice without harm.
    await members[0]!.call('unmarkBlocks', { orgId, issueId: depot.id, blockedId: nights.id }, { status: 403 });
    await org.admin.call('unmarkBlocks', { orgId, issueId: depot.id, blockedId: nights.id });
    await org.admin.call('unmarkBlocks', { orgId, issueId: depot.id, blockedId: nights.id });
    expect((await ranking()).map((r) => r.title)).toEqual(['Night shifts', 'Depot safety']);
    const unknown = await org.admin.req('DELETE', pathOf(routeTable.unmarkBlocks, { orgId, issueId: depot.id, blockedId: 'nosuchissue0000' }));
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
