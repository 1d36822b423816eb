import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActFact, AnalysisFact, ImportanceFact, ModelFacts } from './facts.js';
import { defaultModelSettings as defaults } from './settings.js';
import { principalContradiction, type PrincipalCandidate } from './principal.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
const constituencies = ['worker', 'tenant', 'student', null] as const;

/** An organisation of a few members and issues; the issues' own facts are drawn per issue. */
const organisation = fc
  .record({
    members: fc.array(
      fc.record({
        constituency: fc.constantFrom(...constituencies),
        joinedDaysAgo: fc.integer({ min: -5, max: 400 }),
        organiserFor: fc.constantFrom(0, 0, 30, 400),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    issues: fc.array(fc.record({ title: fc.constantFrom('rent', 'repairs', 'depot safety', 'night shifts', 'heating'), resolved: fc.boolean() }), {
      minLength: 2,
      maxLength: 5,
    }),
  })
  .chain(({ members, issues }) => {
    const memberIds = members.map((_, i) => `m${i}`);
    const issueIds = issues.map((_, i) => `i${i}`);
    return fc.record({
      // some of the leadership: organisers for the last 30 days, or for 400
      members: fc.constant(
        members.map((m, i) => ({
          id: memberIds[i] as string,
          joinedAt: T - m.joinedDaysAgo * DAY_MS,
          constituency: m.constituency,
          ...(m.organiserFor > 0
            ? {
                roles: [
                  { role: 'member' as const, from: T - m.joinedDaysAgo * DAY_MS },
                  { role: 'organiser' as const, from: T - m.organiserFor * DAY_MS },
                ],
              }
            : {}),
        })),
      ),
      issues: fc.constant(
        issues.map((s, i) => ({ id: issueIds[i] as string, title: s.title, openedAt: T - 300 * DAY_MS, resolvedAt: s.resolved && i > 0 ? T - DAY_MS : null })),
      ),
      own: fc.tuple(...issueIds.map((id) => issueFacts(id, memberIds))),
      replacements: fc.tuple(...issueIds.map((id) => issueFacts(id, memberIds))),
      blocks: fc.array(fc.record({ blocker: fc.constantFrom(...issueIds), blocked: fc.constantFrom(...issueIds) }), { maxLength: 6 }),
      changed: fc.nat({ max: issueIds.length - 1 }),
      change: fc.constantFrom('votes', 'analysis', 'marks'),
    });
  });

interface OwnFacts {
  acts: ActFact[];
  analyses: AnalysisFact[];
  importance: ImportanceFact[];
}

/** One issue's votes, analyses and importance marks. */
function issueFacts(issueId: string, memberIds: readonly string[]): fc.Arbitrary<OwnFacts> {
  const member = fc.constantFrom(...memberIds);
  const when = fc.integer({ min: -200, max: 10 }).map((d) => T - d * DAY_MS);
  return fc.record({
    acts: fc.array(
      fc.record({
        memberId: member,
        issueId: fc.constant(issueId),
        at: when,
        kind: fc.constant('vote' as const),
        statementId: fc.constantFrom('s1', 's2', 's3'),
      }),
      { maxLength: 10 },
    ),
    analyses: fc.array(
      fc.record({
        id: fc.uuid(),
        issueId: fc.constant(issueId),
        at: when,
        groups: fc
          .uniqueArray(member, { maxLength: memberIds.length })
          .chain((ms) =>
            fc.integer({ min: 1, max: 3 }).map((n) => Array.from({ length: n }, (_, g) => ({ id: `${g}`, members: ms.filter((_, i) => i % n === g) }))),
          ),
        consensus: fc.constant([]),
        representative: fc.constant([]),
        divisive: fc.constant([]),
        groupVotes: fc.constant({}),
      }),
      { maxLength: 2 },
    ),
    importance: fc.uniqueArray(fc.record({ memberId: member, issueId: fc.constant(issueId), at: when }), {
      selector: (m) => m.memberId,
      maxLength: memberIds.length,
    }),
  });
}

const factsOf = (o: { members: ModelFacts['members']; issues: ModelFacts['issues']; blocks: ModelFacts['blocks'] }, own: readonly OwnFacts[]): ModelFacts => ({
  members: o.members,
  issues: o.issues,
  acts: own.flatMap((f) => f.acts),
  reports: [],
  lines: [],
  endorsements: [],
  analyses: own.flatMap((f) => f.analyses),
  blocks: o.blocks,
  importance: own.flatMap((f) => f.importance),
});

/** What may not move when another issue's facts move: everything but the rank. */
const standing = (c: PrincipalCandidate) => ({ score: c.score, reasons: c.reasons, breadth: c.breadth, intensity: c.intensity, blocking: c.blocking });

describe('principalContradiction under another issue’s changes', () => {
  it("changing one issue's votes, analysis or marks leaves every other issue's score and reasons unchanged", () => {
    fc.assert(
      fc.property(organisation, fc.context(), (o, ctx) => {
        const changedId = `i${o.changed}`;
        const part = ({ votes: 'acts', analysis: 'analyses', marks: 'importance' } as const)[o.change];
        const replacement = o.replacements[o.changed] as OwnFacts;
        const own = o.own.map((f, i) => (i !== o.changed ? f : { ...f, [part]: replacement[part] }));
        ctx.log(`changed ${o.change} of ${changedId}`);
        const before = principalContradiction(factsOf(o, o.own), T, defaults);
        const after = principalContradiction(factsOf(o, own), T, defaults);
        expect(after.ranking.map((c) => c.issueId).sort()).toEqual(before.ranking.map((c) => c.issueId).sort());
        for (const c of before.ranking) {
          if (c.issueId === changedId) continue;
          expect(standing(after.ranking.find((x) => x.issueId === c.issueId) as PrincipalCandidate)).toEqual(standing(c));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sees the change on the issue itself (the property is not vacuous)', () => {
    const members = ['a', 'b', 'c', 'd'].map((id) => ({ id, joinedAt: T - DAY_MS, constituency: null }));
    const issues = ['x', 'y'].map((id) => ({ id, title: id, openedAt: T - DAY_MS, resolvedAt: null }));
    const base = factsOf({ members, issues, blocks: [] }, []);
    const marked = { ...base, importance: [{ memberId: 'a', issueId: 'x', at: T - 1 }] };
    const [before, after] = [principalContradiction(base, T, defaults), principalContradiction(marked, T, defaults)];
    expect(after.ranking.find((c) => c.issueId === 'x')?.reasons).not.toEqual(before.ranking.find((c) => c.issueId === 'x')?.reasons);
    expect(after.ranking.find((c) => c.issueId === 'y')).toEqual({ ...before.ranking.find((c) => c.issueId === 'y'), rank: 2 });
  });
});
