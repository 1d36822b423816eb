import { describe, expect, it } from 'vitest';
import type { EndorsementFact, ModelFacts } from './facts.js';
import type { EndorsementKind } from '../vocabulary.js';
import { defaultModelSettings as defaults } from './settings.js';
import { activeMembersAt } from './activity.js';
import { embraceRateAt, respondersNeeded } from './embrace.js';

const T = Date.UTC(2026, 0, 1);
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const answer = (memberId: string, kind: EndorsementKind, at = T + 1): EndorsementFact => ({ memberId, lineVersionId: 'v1', issueId: 'i1', at, kind });
const member = (id: string, constituency: string | null) => ({ id, joinedAt: T - 1, constituency });

const base = factsOf({
  members: [
    member('a', 'worker'),
    member('b', 'worker'),
    member('c', 'tenant'),
    member('d', 'tenant'),
    member('e', null),
    member('f', 'student'),
    member('g', 'worker'),
  ],
  lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T, claims: [] }],
  analyses: [
    {
      id: 'x1',
      issueId: 'i1',
      at: T - 1,
      consensus: [],
      representative: [],
      divisive: [],
      groupVotes: {},
      groups: [
        { id: 'g1', members: ['a', 'b', 'c'] },
        { id: 'g2', members: ['d', 'e'] },
        { id: 'g3', members: ['f'] },
      ],
    },
  ],
  endorsements: [
    answer('a', 'embrace'),
    answer('b', 'embrace'),
    answer('c', 'embrace'),
    answer('c', 'critique', T + 2), // changed: critique counts
    answer('d', 'embrace'),
    answer('e', 'amend'),
  ],
});

describe('embraceRateAt', () => {
  it("is embraces over responders, overall, per group and per constituency, with each member's latest answer", () => {
    const e = embraceRateAt(base, 'v1', T + 10, defaults);
    // overall 3 of 5 = 60 % < 2/3, heard (5 responders, nobody active: 5 needed); every group and constituency has fewer than 5
    expect(e?.overall).toEqual({ embraced: 3, responders: 5, rate: 0.6, active: 0, needed: 5, status: 'below' });
    expect(e?.groups.map((g) => [g.groupId, g.embraced, g.responders, g.status])).toEqual([
      ['g1', 2, 3, 'not-yet-heard'],
      ['g2', 1, 2, 'not-yet-heard'],
      ['g3', 0, 0, 'not-yet-heard'],
    ]);
    expect(e?.constituencies.map((c) => [c.constituency, c.embraced, c.responders, c.status])).toEqual([
      ['student', 0, 0, 'not-yet-heard'],
      ['tenant', 1, 2, 'not-yet-heard'],
      ['worker', 2, 2, 'not-yet-heard'],
    ]);
    expect(e?.meetsTarget).toBe(false);
    expect(e?.shortfalls).toEqual(['overall 60 % (3 of 5) is below the target 67 %']);
  });

  it('meets the targets at exactly 2/3 overall, a group not yet heard not counted as failing', () => {
    const facts = { ...base, endorsements: [...base.endorsements, answer('g', 'embrace')] };
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.overall).toMatchObject({ embraced: 4, responders: 6, rate: 2 / 3, status: 'meets' });
    expect(e?.meetsTarget).toBe(true);
    expect(e?.shortfalls).toEqual([]);
  });

  it('names each heard group below its target', () => {
    const five = ['a', 'b', 'c', 'd', 'e'];
    const facts = factsOf({
      ...base,
      analyses: [{ ...base.analyses[0]!, groups: [{ id: 'g1', members: five }] }],
      endorsements: [
        answer('a', 'embrace'),
        answer('b', 'critique'),
        answer('c', 'critique'),
        answer('d', 'amend'),
        answer('e', 'embrace'),
        answer('g', 'embrace'),
      ],
    });
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.groups[0]).toMatchObject({ groupId: 'g1', responders: 5, needed: 5, status: 'below' });
    expect(e?.shortfalls).toContain('group A: 40 % (2 of 5) is below the group target 50 %');
  });

  it('reads the facts as they stood at t', () => {
    expect(embraceRateAt(base, 'v1', T + 1, defaults)?.overall).toMatchObject({ embraced: 4, responders: 5, rate: 0.8 });
    expect(embraceRateAt(base, 'v1', T, defaults)?.shortfalls).toEqual(['not yet heard: 0 responders of the 5 needed']);
    expect(embraceRateAt(base, 'nope', T, defaults)).toBeNull();
  });
});

describe('heard enough', () => {
  it('needs max(5, 10 % of the active members), in whole responders', () => {
    expect([0, 1, 49, 50, 51, 60, 500, 501].map(respondersNeeded)).toEqual([5, 5, 5, 5, 6, 6, 50, 51]);
  });

  it('does not judge 2 of 3 responders in an organisation of 500 active members', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
    const facts = factsOf({
      members: ids.map((id) => member(id, null)),
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T, claims: [] }],
      acts: ids.map((id) => ({ memberId: id, issueId: 'other', at: T - 10, kind: 'vote' as const, statementId: 's' })),
      endorsements: [answer('m0', 'embrace'), answer('m1', 'embrace'), answer('m2', 'critique')],
    });
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.overall).toMatchObject({ embraced: 2, responders: 3, active: 500, needed: 50, status: 'not-yet-heard' });
    expect(e?.meetsTarget).toBe(false);
    expect(e?.shortfalls).toEqual(['not yet heard: 3 responders of the 50 needed']);
    // 50 responders, 34 embracing (68 %): heard, and the target is met
    const fifty = ids.slice(0, 50).map((id, i) => answer(id, i < 34 ? 'embrace' : 'critique'));
    const heard = embraceRateAt({ ...facts, endorsements: fifty }, 'v1', T + 10, defaults);
    expect(heard?.overall).toMatchObject({ responders: 50, needed: 50, status: 'meets' });
    expect(heard?.meetsTarget).toBe(true);
    // 49 are not enough, whatever their rate
    expect(embraceRateAt({ ...facts, endorsements: fifty.slice(0, 49) }, 'v1', T + 10, defaults)?.overall.status).toBe('not-yet-heard');
  });

  it("neither hears the leadership's answers nor counts the leadership as active", () => {
    const organisers = ['o1', 'o2', 'o3'].map((id) => ({ ...member(id, 'worker'), roles: [{ role: 'organiser' as const, from: T - 1 }] }));
    const facts = factsOf({
      ...base,
      members: [...base.members, ...organisers],
      acts: organisers.map((o) => ({ memberId: o.id, issueId: 'i1', at: T - 5, kind: 'vote' as const, statementId: 's' })),
      endorsements: [...base.endorsements, ...organisers.map((o) => answer(o.id, 'embrace'))],
    });
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.overall).toMatchObject({ embraced: 3, responders: 5, active: 0, status: 'below' });
    expect(e?.constituencies.find((c) => c.constituency === 'worker')).toMatchObject({ embraced: 2, responders: 2 });
  });

  it('counts as active only members with an act within the half-life', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `m${i}`);
    const facts = factsOf({
      members: ids.map((id) => member(id, id < 'm5' ? 'tenant' : null)),
      lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T, claims: [] }],
      // 70 acted 10 days ago, 30 acted 200 days ago (beyond h = 180 days)
      acts: ids.map((id, i) => ({ memberId: id, issueId: 'other', at: T - (i < 70 ? 10 : 200) * 86_400_000, kind: 'vote' as const, statementId: 's' })),
      endorsements: ids.slice(0, 7).map((id) => answer(id, 'embrace')),
    });
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.overall).toMatchObject({ active: 70, needed: 7, status: 'meets' });
    expect(embraceRateAt(facts, 'v1', T + 10, { ...defaults, halfLifeDays: Infinity })?.overall).toMatchObject({
      active: 100,
      needed: 10,
      status: 'not-yet-heard',
    });
  });
});

describe('the active members at t', () => {
  it('are the members of role member, joined by t, with an act or report of the masses within h days before t', () => {
    const DAY = 86_400_000;
    const T0 = Date.UTC(2026, 0, 1);
    const memberFacts = Array.from({ length: 6 }, (_, i) => ({
      id: `m${i}`,
      joinedAt: T0 + i * 20 * DAY,
      constituency: null,
      roles: i === 5 ? [{ role: 'organiser' as const, from: T0 }] : [{ role: 'member' as const, from: T0 }],
    }));
    const acts = Array.from({ length: 40 }, (_, i) => ({
      memberId: `m${(i * 5) % 6}`,
      issueId: 'i1',
      at: T0 + i * 9 * DAY,
      kind: 'statement' as const,
      statementId: `s${i}`,
    }));
    const reports = [{ id: 'r1', issueId: 'i1', memberId: 'm4', at: T0 + 300 * DAY, claimId: null, verdict: null }];
    const facts = { members: memberFacts, issues: [], acts, reports, lines: [], endorsements: [], analyses: [], blocks: [], importance: [] };
    for (const halfLifeDays of [30, 180, Infinity]) {
      for (let at = T0 - 10 * DAY; at < T0 + 500 * DAY; at += 17 * DAY) {
        const since = at - halfLifeDays * DAY;
        const expected = memberFacts
          .filter((m) => m.joinedAt <= at && m.id !== 'm5' && [...acts, ...reports].some((x) => x.memberId === m.id && x.at <= at && x.at >= since))
          .map((m) => m.id);
        // A set: its order is not part of the figure.
        expect([...activeMembersAt(facts, at, { halfLifeDays })].sort(), `at day ${(at - T0) / DAY}, h = ${halfLifeDays}`).toEqual(expected.sort());
      }
    }
  });
});
