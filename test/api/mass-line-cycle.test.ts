/**
 * One issue through two full cycles of the mass line, on every dialect: gather, concentrate
 * (the engine's groups), propagate (embrace), test (reports that refute a claim), and back: the
 * refuted claim returns as a statement, an opinion group divides in two, and a revision without
 * practice is marked in public. Every figure is then rebuilt from the event log alone and
 * compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultModelSettings,
  forecastIssueAt,
  issueHealthAt,
  issueQualityAt,
  lineHistoryAt,
  organisationHealthAt,
  principalContradiction,
  qualitativeChanges,
  unitedFront,
  type ModelFacts,
} from '../../src/core/index.js';
import { loadModelFacts, loadModelFactsFromEvents } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe.each(dialects)('the mass line cycle on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-01-01T09:00:00Z');
  const tick = (hours = 1) => (now += hours * 3_600_000);
  beforeAll(async () => {
    // Analyses run only when the test asks (analyzeNow), so their sequence does not depend on timing.
    h = await startHarness(dialect, { clock: () => new Date(now), analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  it('walks gather → concentrate → propagate → test twice, with its guards and marks', async () => {
    const org: Org = await signUp(h.app);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(status);
      return r.body ? r.json() : null;
    };
    const issue = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent demands' }), 201);
    const url = pathOf(routeTable.issue, { orgId: org.orgId, issueId: issue.id });
    const members: { client: Client; memberId: string }[] = [];
    for (let i = 0; i < 30; i++) members.push(await joinAsMember(h.app, org));
    const seed = async (texts: string[]) => {
      const ids: string[] = [];
      for (const text of texts)
        ids.push((await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text }), 201)).id);
      return ids;
    };
    // Each member passes now and then, so no two members vote exactly alike.
    const vote = async (who: number[], ids: string[], value: (i: number, j: number) => 1 | -1 | 0, offset = 0) => {
      for (const i of who)
        for (const [j, id] of ids.entries())
          await ok(
            members[i]!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: id }), { vote: (i * 3 + j + offset) % 7 === 0 ? 0 : value(i, j) }),
          );
    };
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
    const advance = async () => (await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId: issue.id }), {}))).cycle;

    // Cycle 1, gather: two camps, 0–14 against 15–29, on ten statements.
    const first = await seed(range(0, 10).map((j) => `Statement number ${j} on the rent`));
    await vote(range(0, 30), first, (i, j) => (i < 15 === j < 5 ? 1 : -1));
    tick();
    // No line without concentrating this cycle's gathering.
    const early = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), { claims: [{ text: 'Too early', cites: [] }] }),
      201,
    );
    expect((await org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: early.id }), {})).statusCode).toBe(409);
    expect((await advance()).phase).toBe('concentrate');
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    const analysis1 = (await ok(org.admin.get(pathOf(routeTable.analysis, { orgId: org.orgId, issueId: issue.id })))).snapshot;
    expect(analysis1.groups).toHaveLength(2);
    const representative = analysis1.groups.map((g: { representative: { statementId: string }[] }) => g.representative[0]!.statementId);
    tick();
    const v1 = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), {
        claims: [
          { text: 'We demand a two-year rent freeze', cites: [{ kind: 'statement', ref: representative[0] }] },
          { text: 'Repairs come before any increase', cites: [{ kind: 'statement', ref: representative[1] }] },
        ],
      }),
      201,
    );
    const published = await ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: v1.id }), {}));
    expect(published.status).toBe('published');
    expect((await ok(org.admin.get(url))).cycle.phase).toBe('propagate');

    // Propagate: members answer; the embrace rate is measured overall and per group.
    tick();
    for (const i of range(0, 20)) await ok(members[i]!.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: v1.id }), { kind: 'embrace' }));
    for (const i of range(20, 25))
      await ok(members[i]!.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: v1.id }), { kind: 'critique', text: 'Not far enough' }));
    const embrace = await ok(members[0]!.client.get(pathOf(routeTable.embrace, { orgId: org.orgId, versionId: v1.id })));
    expect(embrace.overall).toMatchObject({ embraced: 20, responders: 25 });
    expect(embrace.groups).toHaveLength(2);

    // Test: an action, and reports that refute the first claim.
    tick();
    const toTest = await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId: issue.id }), {}));
    expect(toTest.cycle.phase).toBe('test');
    expect(toTest.embrace.meetsTarget).toBe(embrace.meetsTarget);
    const action = await ok(
      org.admin.post(pathOf(routeTable.createAction, { orgId: org.orgId, issueId: issue.id }), { title: 'Deliver the demand to the landlord' }),
      201,
    );
    const c1 = published.claims[0].id;
    for (const [k, i] of [3, 17, 22].entries()) {
      await ok(
        members[i]!.client.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId: issue.id }), {
          actionId: action.id,
          claimId: c1,
          verdict: 'refutes',
          whatDone: 'We delivered the letter',
          whatHappened: `The landlord refused any freeze (${k})`,
        }),
        201,
      );
    }
    expect((await ok(org.admin.get(pathOf(routeTable.line, { orgId: org.orgId, issueId: issue.id })))).versions.at(-1).marks.driftedFromMasses).toBe(true);

    // Cycle 2 begins at gather, seeded with the refuted claim and the reports.
    tick();
    const next = await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId: issue.id }), {}));
    expect(next.cycle).toMatchObject({ number: 2, phase: 'gather' });
    const seedList = (await ok(org.admin.get(url))).statements
      .filter((s: { isSeed: boolean }) => s.isSeed)
      .map((s: { origin: string; text: string }) => `${s.origin}: ${s.text}`);
    expect(next.seeded, seedList.join(' | ')).toBe(4);
    const seeded = (await ok(org.admin.get(url))).statements.filter((s: { origin: string }) => s.origin === 'refuted-claim');
    expect(seeded.map((s: { text: string }) => s.text)).toEqual(['We demand a two-year rent freeze']);

    // Cycle 2, gather: the first camp divides on eight new statements.
    const second = await seed(range(0, 8).map((j) => `A second-cycle statement ${j}`));
    await vote(range(0, 30), second, (i, j) => (i < 7 ? 1 : i < 15 ? -1 : j % 2 ? 1 : -1), 10);
    tick();
    expect((await advance()).phase).toBe('concentrate');
    // The engine waits for a new number of groups to win several analyses in a row before showing it;
    // an analysis is made only of something new, so between them a member of the first camp turns a
    // pass into an agree.
    for (let k = 0; k < 5; k++) {
      tick();
      if (k > 0)
        await ok(members[k]!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: second[(7 - ((k * 3 + 10) % 7)) % 7]! }), { vote: 1 }));
      await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    }
    const analysis2 = (await ok(org.admin.get(pathOf(routeTable.analysis, { orgId: org.orgId, issueId: issue.id })))).snapshot;
    expect(analysis2.groups).toHaveLength(3);
    tick();
    const v2 = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), {
        claims: [{ text: 'We demand the building accounts', cites: [{ kind: 'statement', ref: second[0] }] }],
      }),
      201,
    );
    await ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: v2.id }), {}));
    tick();
    expect((await advance()).phase).toBe('test');
    tick();
    expect(await advance()).toMatchObject({ number: 3, phase: 'gather' });

    const changes = (await ok(org.admin.get(pathOf(routeTable.changes, { orgId: org.orgId })))).changes;
    expect(changes.some((c: { type: string }) => c.type === 'group-divided')).toBe(true);

    // No concentration without practice: an analysis of the old votes does not let a version be published.
    tick();
    expect((await advance()).phase).toBe('concentrate');
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    tick();
    const v3 = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), { claims: [{ text: 'We demand nothing at all', cites: [] }] }),
      201,
    );
    const stale = await org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: v3.id }), {});
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().message).toBe(
      'analysis: includes no vote cast since version 3 was published; re-analysing old votes is no new concentration, gather again first',
    );
    // One member's click is a new vote, and the analysis includes it; but a revision on so little
    // practice (MODEL.md §7) is marked in public.
    tick();
    await ok(members[20]!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: second[0]! }), { vote: 1 }));
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    tick();
    await ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: v3.id }), {}));
    const history = (await ok(members[0]!.client.get(pathOf(routeTable.line, { orgId: org.orgId, issueId: issue.id })))).versions;
    expect(history.map((v: { number: number; marks: { revisionWithoutPractice: boolean } }) => [v.number, v.marks.revisionWithoutPractice])).toEqual([
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(history[2].diff).toEqual({ added: ['We demand nothing at all'], removed: ['We demand the building accounts'], kept: [] });

    // The marks behind the principal contradiction.
    const other = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Heating' }), 201);
    await ok(org.admin.post(pathOf(routeTable.markBlocks, { orgId: org.orgId, issueId: issue.id }), { blocks: other.id }), 204);
    for (const i of range(0, 12)) await ok(members[i]!.client.put(pathOf(routeTable.markImportant, { orgId: org.orgId, issueId: issue.id })), 204);
    await ok(members[0]!.client.delete(pathOf(routeTable.unmarkImportant, { orgId: org.orgId, issueId: issue.id })), 204);
    const principal = await ok(members[5]!.client.get(pathOf(routeTable.principal, { orgId: org.orgId })));
    expect(principal.principal.issueId).toBe(issue.id);
    expect(principal.principal.reasons[0]).toBe('Blocks 1 open issue: Heating');

    // The other views of the model, as members see them.
    const front = await ok(members[1]!.client.get(pathOf(routeTable.unitedFront, { orgId: org.orgId, issueId: issue.id })));
    expect(front.lineVersionId).toBe(v3.id);
    const trail = await ok(members[1]!.client.get(pathOf(routeTable.healthTrail, { orgId: org.orgId, issueId: issue.id })));
    // As drawn: the opening, a point a day and every change of character (this cycle runs within a day).
    expect(trail.points[0].cause).toBe('opened');
    expect(trail.points.length).toBeGreaterThanOrEqual(2);
    expect(trail.points.at(-1).character).toMatch(/^(correct|left-communist|empiricist|fool)$/);
    const plan = await ok(members[1]!.client.get(pathOf(routeTable.whatIf, { orgId: org.orgId, issueId: issue.id }, { everyWeeks: 4, members: 20 })));
    expect(plan.rounds).toBeGreaterThan(1);
    expect(plan.trail.length).toBeGreaterThan(50);
    // Member 3 filed a report that refuted a claim: it shows in what became of their input.
    const loop = await ok(members[3]!.client.get(pathOf(routeTable.myInput, { orgId: org.orgId })));
    expect(loop.reports).toHaveLength(1);
    expect(loop.reports[0].claim.text).toBe('We demand a two-year rent freeze');
    expect(loop.statements.length).toBeGreaterThan(10);
    const health = await ok(members[1]!.client.get(pathOf(routeTable.health, { orgId: org.orgId })));
    expect(health.issues.map((i: { issueId: string }) => i.issueId).sort()).toEqual([issue.id, other.id].sort());

    // Every figure can be recomputed from the event log alone: rebuild the facts from events, compare.
    const fromTables = await loadModelFacts(h.ctx.store.db, org.orgId);
    const fromEvents = await loadModelFactsFromEvents(h.ctx.store.db, org.orgId);
    expect(fromEvents).toEqual(fromTables);
    const s = defaultModelSettings;
    for (const at of [Date.parse('2026-01-01T12:00:00Z'), now - 5 * 3_600_000, now, now + 200 * 86_400_000]) {
      const figures = (f: ModelFacts) => ({
        organisation: organisationHealthAt(f, at, s),
        issue: issueHealthAt(f, issue.id, at, s),
        quality: issueQualityAt(f, issue.id, at),
        forecast: forecastIssueAt(f, issue.id, at, s),
        history: lineHistoryAt(f, issue.id, at),
        principal: principalContradiction(f, at, s),
        front: unitedFront(f, issue.id, at, s),
        changes: qualitativeChanges(f, at, s),
      });
      expect(figures(fromEvents)).toEqual(figures(fromTables));
    }

    // Every transition is an event with who and when.
    const transitions = await h.ctx.store.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'at'])
      .where('issue_id', '=', issue.id)
      .where('type', 'in', ['cycle.advanced', 'line.published'])
      .execute();
    expect(transitions.length).toBeGreaterThanOrEqual(12);
    expect(transitions.every((e) => e.actor_id !== null && e.at)).toBe(true);
  });
});
