/**
 * Practice is the masses' (MODEL.md v2 §3), walked through the routes on every dialect and read
 * back from /api/orgs/:orgId/health: the leadership's votes, statements, answers, reports and
 * actions are no practice and not in P₀; a member's repeated reports and votes add nothing; an
 * answer changed on one version is one act; a merge writes no acts; taking part in an action is
 * an act; a change of role counts from the instant it is made. The facts rebuilt from the event
 * log equal the facts read from the tables throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFacts, loadModelFactsFromEvents } from '../../src/store/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

const DAY = 86_400_000;

describe.each(dialects)("practice is the masses' on %s", (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-03-01T09:00:00Z');
  const tick = (days: number) => (now += days * DAY);
  beforeAll(async () => {
    // Sessions outlive the months the test moves the clock through.
    h = await startHarness(dialect, { clock: () => new Date(now), analysisDebounceMs: 3_600_000, env: { MASSLINE_SESSION_DAYS: '365' } });
  });
  afterAll(async () => h?.close());

  it('counts only the members of role member, each act once, and rebuilds the same facts from the events', async () => {
    const org = await signUp(h.app);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
    const ok = async (p: Promise<{ statusCode: number; body: string; json: () => any }>, status = 200) => {
      const r = await p;
      expect(r.statusCode, r.body).toBe(status);
      return r.body ? r.json() : null;
    };
    const issue = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent demands' }), 201);
    const organiser = await joinAsMember(h.app, org, 'organiser');
    const members: { client: Client; memberId: string }[] = [];
    for (let i = 0; i < 4; i++) members.push(await joinAsMember(h.app, org));
    const [m0, m1, m2, m3] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const practice = async () =>
      (await ok(org.admin.get(pathOf(routeTable.health, { orgId: org.orgId })))).issues.find((i: { issueId: string }) => i.issueId === issue.id).health;
    const vote = (who: Client, statementId: string, value: -1 | 0 | 1) =>
      ok(who.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId }), { vote: value }));
    const sameFacts = async () => expect(await loadModelFactsFromEvents(h.ctx.store.db, org.orgId)).toEqual(await loadModelFacts(h.ctx.store.db, org.orgId));

    const statements: string[] = [];
    for (const text of ['Freeze the rent for two years', 'Repairs before any increase', 'A tenants committee in every block', 'Freeze the rents for 2 years']) {
      statements.push((await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text }), 201)).id);
    }
    const [s0, s1, s2, duplicate] = statements as [string, string, string, string];
    // The masses: four members; the admin and the organiser are the leadership. P₀ = max(10, 10 % of 4).
    await vote(m0.client, s0, 1);
    let health = await practice();
    expect(health.practice.value).toBeCloseTo(1 / 7, 12);
    expect(health.practiceSufficiency.terms.membersJoined).toBe(4);
    // the admin's four seed statements are the leadership's own
    expect(health.practice.terms.leadership).toEqual({ acts: 4, reports: 0, members: 1 });

    // The leadership votes and writes: no practice, shown apart.
    const before = health.practice.value;
    await vote(organiser.client, s0, 1);
    await vote(org.admin, s1, -1);
    await ok(
      organiser.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text: 'The organisers propose a rent strike' }),
      201,
    );
    health = await practice();
    expect(health.practice.value).toBe(before);
    expect(health.practiceSufficiency.terms.membersJoined).toBe(4);
    expect(health.practice.terms.leadership).toEqual({ acts: 7, reports: 0, members: 2 });
    await sameFacts();

    // A vote that repeats the member's current value is no act: a month on it does not renew m0's term.
    tick(30);
    const decayed = (await practice()).practice.value;
    expect(decayed).toBeCloseTo((1 / 7) * 2 ** (-30 / 180), 12);
    await vote(m0.client, s0, 1);
    expect((await practice()).practice.value).toBe(decayed);
    // A changed vote is the same statement voted on: still one act, dated now.
    await vote(m0.client, s0, -1);
    expect((await practice()).practice.value).toBeCloseTo(1 / 7, 12);

    // Concentrate and publish a line, so there is a version to answer and claims to report on.
    await vote(m1.client, s0, 1);
    await vote(m1.client, s1, 1);
    await vote(m2.client, s0, -1);
    await vote(m2.client, duplicate, 1);
    await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId: issue.id }), {}));
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);
    tick(1);
    const draft = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId: issue.id }), {
        claims: [{ text: 'We demand a rent freeze', cites: [{ kind: 'statement', ref: s0 }] }],
      }),
      201,
    );
    const version = await ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: draft.id }), {}));
    const claimId = version.claims[0].id as string;

    // An answer changed on the same version is one act: m3's term is 1/7 after both, and the change dates it.
    await ok(m3.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: version.id }), { kind: 'embrace' }));
    const withAnswer = (await practice()).practice.value;
    tick(10);
    await ok(m3.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: version.id }), { kind: 'critique', text: 'Not far enough' }));
    health = await practice();
    const m3Term = 1 / 7;
    const othersNow = (withAnswer - m3Term) * 2 ** (-10 / 180);
    expect(health.practice.value).toBeCloseTo(othersNow + m3Term, 12);

    // The organiser answers and reports four times on a one-claim line: nothing moves.
    const still = health.practice.value;
    await ok(organiser.client.put(pathOf(routeTable.endorse, { orgId: org.orgId, versionId: version.id }), { kind: 'embrace' }));
    for (let i = 0; i < 4; i++) {
      await ok(
        organiser.client.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId: issue.id }), {
          claimId,
          verdict: 'confirms',
          whatDone: 'Asked around',
          whatHappened: 'Everyone agreed',
        }),
        201,
      );
    }
    health = await practice();
    expect(health.practice.value).toBe(still);
    expect(health.practice.terms.reports).toBe(0);
    expect(health.practiceSufficiency.terms.membersJoined).toBe(4);
    expect(health.practice.terms.leadership).toMatchObject({ reports: 4, members: 2 });
    expect(health.practice.how).toContain("not counted: the leadership's own");

    // A member's ten identical reports on one claim count once: α = 3.
    for (let i = 0; i < 10; i++) {
      await ok(
        m1.client.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId: issue.id }), {
          claimId,
          verdict: 'refutes',
          whatDone: 'Withheld the rent',
          whatHappened: 'The landlord evicted two of us',
        }),
        201,
      );
    }
    health = await practice();
    expect(health.practice.terms.reports).toBe(1);
    expect(health.practice.terms.reportWeight).toBeCloseTo(3, 12);
    await sameFacts();

    // A merge leaves every member's P unchanged: m2's vote on the duplicate is carried, and is no act.
    tick(5);
    const beforeMerge = (await practice()).practice;
    const merged = await ok(organiser.client.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: duplicate }), { into: s2 }));
    expect(merged.carried).toBe(1);
    const afterMerge = (await practice()).practice;
    expect(afterMerge).toEqual(beforeMerge);
    const carried = await h.ctx.store.db.selectFrom('vote_log').select(['member_id', 'carried_from']).where('statement_id', '=', s2).execute();
    expect(carried).toEqual([{ member_id: m2.memberId, carried_from: duplicate }]);
    await sameFacts();

    // Taking part in an action is an act, once per action; the organiser taking part is not.
    const action = await ok(
      org.admin.post(pathOf(routeTable.createAction, { orgId: org.orgId, issueId: issue.id }), { title: 'Deliver the demand to the landlord' }),
      201,
    );
    const beforeAction = (await practice()).practice;
    await ok(organiser.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id })));
    expect((await practice()).practice.value).toBe(beforeAction.value);
    await ok(m3.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id })));
    await ok(m3.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id })));
    health = await practice();
    // m3: one answer and one action, dated now: 2/7 instead of 1/7 decayed over 5 days
    expect(health.practice.value).toBeCloseTo(beforeAction.value - (1 / 7) * 2 ** (-5 / 180) + 2 / 7, 12);
    await sameFacts();
    // Leaving withdraws it, from the table and the events alike: m3's term is what it was.
    await ok(m3.client.delete(pathOf(routeTable.leaveAction, { orgId: org.orgId, actionId: action.id })));
    expect((await practice()).practice.value).toBeCloseTo(beforeAction.value, 12);
    await ok(m3.client.put(pathOf(routeTable.joinAction, { orgId: org.orgId, actionId: action.id })));
    await sameFacts();

    // A change of role counts from its instant: m1 becomes an organiser; what m1 did as a member stays practice,
    // what m1 does now is the leadership's; P₀ counts three members.
    tick(1);
    const beforeRole = (await practice()).practice.value;
    await ok(org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m1.memberId }), { role: 'organiser' }));
    health = await practice();
    expect(health.practice.value).toBe(beforeRole);
    expect(health.practiceSufficiency.terms.membersJoined).toBe(3);
    await vote(m1.client, s2, -1);
    health = await practice();
    expect(health.practice.value).toBe(beforeRole);
    expect(health.practice.terms.leadership.members).toBe(3);
    await sameFacts();
    // Back to member: counted again from then on.
    tick(1);
    await ok(org.admin.patch(pathOf(routeTable.updateMember, { orgId: org.orgId, memberId: m1.memberId }), { role: 'member' }));
    expect((await practice()).practiceSufficiency.terms.membersJoined).toBe(4);
    await sameFacts();

    // Representativeness over the active members: the four members acted within h, and all four on this issue.
    const quality = (await ok(org.admin.get(pathOf(routeTable.health, { orgId: org.orgId })))).issues.find(
      (i: { issueId: string }) => i.issueId === issue.id,
    ).quality;
    expect(quality.representativeness.terms).toMatchObject({ participants: 4, activeMembers: 4 });
  });
});
