/** Members take part in the actions that test the line: joined once, counted, left again; on every dialect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issues, lines } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe.each(dialects)('taking part in actions on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
  });
  afterAll(async () => h?.close());

  it('counts who takes part, once each, and lets them leave', async () => {
    const org = await signUp(h.app);
    const issueId = (await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent' })).json().id as string;
    // A published line through the store: actions need one.
    const db = h.ctx.store.db;
    const at = new Date().toISOString();
    const cycle = await issues.currentCycle(db, org.orgId, issueId);
    const adminId = (await org.admin.get(pathOf(routeTable.me, {}))).json().member.id as string;
    const v = await lines.createDraft(db, {
      orgId: org.orgId,
      issueId,
      cycleId: cycle.id,
      analysisId: null,
      createdBy: adminId,
      at,
      claims: [{ text: 'Withholding rent wins repairs', cites: [] }],
    });
    await lines.publishVersion(db, org.orgId, v.id, adminId, at);
    const action = (await org.admin.post(pathOf(routeTable.createAction, { orgId: org.orgId, issueId }), { title: 'Withhold rent in block C' })).json();
    expect(action).toMatchObject({ participants: 0, joinedByMe: false });

    const a = await joinAsMember(h.app, org);
    const b = await joinAsMember(h.app, org);
    expect((await a.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id }))).json()).toEqual({
      participants: 1,
      joinedByMe: true,
    });
    expect((await a.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id }))).json()).toEqual({
      participants: 1,
      joinedByMe: true,
    });
    expect((await b.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id }))).json()).toEqual({
      participants: 2,
      joinedByMe: true,
    });
    const seenByA = (await a.client.get(pathOf(routeTable.actions, { orgId: org.orgId, issueId }))).json().actions[0];
    expect(seenByA).toMatchObject({ participants: 2, joinedByMe: true });
    expect((await org.admin.get(pathOf(routeTable.actions, { orgId: org.orgId, issueId }))).json().actions[0]).toMatchObject({
      participants: 2,
      joinedByMe: false,
    });
    expect((await a.client.delete(pathOf(routeTable.leaveAction, { orgId: org.orgId, actionId: action.id }))).json()).toEqual({
      participants: 1,
      joinedByMe: false,
    });

    // Another organisation's action is not found.
    const other = await signUp(h.app);
    expect((await other.admin.put(pathOf(routeTable.joinAction, { orgId: other.orgId, actionId: action.id }))).statusCode).toBe(404);
  });
});
