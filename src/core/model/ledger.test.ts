import { describe, expect, it } from 'vitest';
import type { ActFact, AnalysisFact, EndorsementFact, IssueFact, LineVersionFact, MemberFact, ModelFacts, ReportFact } from './facts.js';
import { qualitativeChanges } from './changes.js';
import { embraceRateAt } from './embrace.js';
import { forecastIssueAt, forecastOrganisationAt, whatIf } from './forecast.js';
import { issueHealthAt, organisationHealthAt, practiceFigureAt, practiceFromTerms, practiceTerms } from './health.js';
import { ledgerOf } from './ledger.js';
import { lineHistoryAt } from './line-history.js';
import { whatBecameOf } from './member-loop.js';
import { principalContradiction, unitedFront } from './principal.js';
import { issueQualityAt } from './quality.js';
import { defaultModelSettings } from './settings.js';
import { issueCharacterTurns, issueHealthTrail, type HealthPoint } from './trail.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** A small seeded generator, so a failure can be replayed. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

/** An organisation's facts with roles over time, repeated and carried votes, answers, reports, lines and analyses. */
function organisation(seed: number) {
  const g = generator(seed);
  const members: MemberFact[] = Array.from({ length: 60 }, (_, i) => ({
    id: `m${String(i).padStart(2, '0')}`,
    joinedAt: T0 + g.int(20) * DAY,
    constituency: i % 4 === 3 ? null : `c${i % 3}`,
    roles:
      i === 0
        ? [{ role: 'organiser', from: T0 }]
        : i === 1
          ? [
              { role: 'member', from: T0 },
              { role: 'organiser', from: T0 + 40 * DAY },
            ]
          : [{ role: 'member', from: T0 }],
  }));
  const issues: IssueFact[] = Array.from({ length: 4 }, (_, i) => ({
    id: `i${i}`,
    title: `issue ${i}`,
    openedAt: T0 + i * 5 * DAY,
    resolvedAt: i === 3 ? T0 + 70 * DAY : null,
  }));
  const acts: ActFact[] = [];
  const endorsements: EndorsementFact[] = [];
  const lines: LineVersionFact[] = issues.slice(0, 3).flatMap((issue, k) => [
    {
      id: `v${k}a`,
      issueId: issue.id,
      number: 1,
      publishedAt: issue.openedAt + 20 * DAY,
      claims: [{ id: `c${k}1`, text: `claim ${k}`, cites: [{ kind: 'statement' as const, ref: `${issue.id}s1` }] }],
    },
    {
      id: `v${k}b`,
      issueId: issue.id,
      number: 2,
      publishedAt: issue.openedAt + 45 * DAY,
      claims: [
        { id: `c${k}2`, text: `claim ${k}`, cites: [] },
        { id: `c${k}3`, text: `another ${k}`, cites: [] },
      ],
    },
  ]);
  const analyses: AnalysisFact[] = issues.slice(0, 3).flatMap((issue, k) =>
    [15, 40].map((d, j) => ({
      id: `a${k}${j}`,
      issueId: issue.id,
      at: issue.openedAt + d * DAY,
      groups: [
        { id: 'g0', members: members.filter((_, i) => (i + j) % 2 === 0).map((m) => m.id) },
        { id: 'g1', members: members.filter((_, i) => (i + j) % 2 === 1).map((m) => m.id) },
      ],
      consensus: j === 0 ? [`${issue.id}s1`, `${issue.id}s2`] : [`${issue.id}s2`],
      representative: [`${issue.id}s3`],
      divisive: [],
      groupVotes: {},
    })),
  );
  let at = T0 + DAY;
  for (let n = 0; n < 2_500; n++) {
    at += g.int(3) === 0 ? 0 : g.int(40 * 60_000);
    const member = g.pick(members);
    const issue = g.pick(issues);
    const r = g.next();
    if (r < 0.72)
      acts.push({
        memberId: member.id,
        issueId: issue.id,
        at,
        kind: 'vote',
        statementId: `${issue.id}s${g.int(6)}`,
        value: g.pick([-1, 0, 1] as const),
        carriedFrom: g.int(50) === 0 ? `${issue.id}s9` : null,
      });
    else if (r < 0.8) acts.push({ memberId: member.id, issueId: issue.id, at, kind: 'statement', statementId: `${issue.id}w${n}` });
    else if (r < 0.84) acts.push({ memberId: member.id, issueId: issue.id, at, kind: 'action', statementId: null, actionId: `act${g.int(5)}` });
    else {
      const version = lines.filter((v) => v.issueId === issue.id && v.publishedAt <= at).pop();
      if (!version) continue;
      const kind = g.pick(['embrace', 'embrace', 'embrace', 'critique', 'amend'] as const);
      acts.push({ memberId: member.id, issueId: issue.id, at, kind: 'endorsement', statementId: null, lineVersionId: version.id });
      endorsements.push({ memberId: member.id, lineVersionId: version.id, issueId: issue.id, at, kind });
    }
  }
  const reports: ReportFact[] = Array.from({ length: 40 }, (_, i) => {
    const issue = g.pick(issues.slice(0, 3));
    return {
      id: `r${i}`,
      issueId: issue.id,
      memberId: g.pick(members).id,
      at: issue.openedAt + (25 + g.int(40)) * DAY,
      claimId: g.pick([`c${issue.id.slice(1)}1`, `c${issue.id.slice(1)}2`, null]),
      verdict: g.pick(['confirms', 'refutes', 'mixed', null] as const),
    };
  }).sort((a, b) => a.at - b.at);
  return { members, issues, acts, endorsements, lines, analyses, reports };
}

/** Every route's figures at t: what the ledger serves must not depend on how the facts grew. */
function figures(facts: ModelFacts, at: number) {
  const s = defaultModelSettings;
  return {
    organisation: organisationHealthAt(facts, at, s),
    forecast: forecastOrganisationAt(facts, at, s),
    issues: facts.issues.map((i) => ({
      health: issueHealthAt(facts, i.id, at, s),
      quality: issueQualityAt(facts, i.id, at, s),
      forecast: forecastIssueAt(facts, i.id, at, s),
      history: lineHistoryAt(facts, i.id, at, s),
      trail: issueHealthTrail(facts, i.id, at, s),
      front: unitedFront(facts, i.id, at, s),
      whatIf: whatIf(facts, i.id, at, { everyWeeks: 4, members: 5 }, s),
    })),
    changes: qualitativeChanges(facts, at, s),
    principal: principalContradiction(facts, at, s),
    embrace: facts.lines.map((v) => embraceRateAt(facts, v.id, at, s)),
    loop: whatBecameOf(facts, 'm05', at),
  };
}

/** Numbers equal to 12 significant digits (kept sums and walked sums round differently), all else exactly. */
function rounded(x: unknown): unknown {
  if (typeof x === 'number') return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
  if (Array.isArray(x)) return x.map(rounded);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rounded(v)]));
  return x;
}

describe('the practice ledger', () => {
  it.each([1, 2, 3])('serves, as the facts grow at their end, the figures a walk of the whole facts gives (seed %i)', (seed) => {
    const o = organisation(seed);
    const grown: ActFact[] = [];
    const facts: ModelFacts = {
      members: o.members,
      issues: o.issues,
      acts: grown,
      reports: [],
      lines: [],
      endorsements: [],
      analyses: [],
      blocks: [],
      importance: [],
    };
    // As the store hands them out: the acts array grows at its end; the other kinds are new arrays when they changed.
    const upTo = <T>(xs: readonly T[], kept: readonly T[], at: number, time: (x: T) => number): T[] => {
      const now = xs.filter((x) => time(x) <= at);
      return now.length === kept.length ? (kept as T[]) : now;
    };
    const chunks = [400, 800, 801, 1_200, 1_600, 1_601, 2_000, o.acts.length];
    let from = 0;
    for (const end of chunks) {
      for (const act of o.acts.slice(from, end)) grown.push(act);
      from = end;
      const at = grown[grown.length - 1]!.at + 1;
      facts.endorsements = upTo(o.endorsements, facts.endorsements, at, (e) => e.at);
      facts.reports = upTo(o.reports, facts.reports, at, (r) => r.at);
      facts.lines = upTo(o.lines, facts.lines, at, (v) => v.publishedAt);
      facts.analyses = upTo(o.analyses, facts.analyses, at, (a) => a.at);
      // The same facts in a new array: a ledger walked from the start.
      const whole = { ...facts, acts: [...grown] };
      expect(rounded(figures(facts, at))).toEqual(rounded(figures(whole, at)));
      // …and at an earlier instant, which walks the facts up to it.
      const earlier = grown[Math.floor(grown.length / 2)]!.at;
      expect(rounded(figures(facts, earlier))).toEqual(rounded(figures(whole, earlier)));
    }
    // The turns of character the walk keeps are those of the whole trail, at every instant asked.
    for (const when of [grown[grown.length - 1]!.at + 1, grown[grown.length - 1]!.at + 400 * DAY, grown[900]!.at]) {
      for (const issue of o.issues) {
        const turning = (points: readonly HealthPoint[]) =>
          points.flatMap((p, i) => (i > 0 && points[i - 1]!.character !== p.character ? [[points[i - 1], p]] : []));
        expect(turning(issueCharacterTurns(facts, issue.id, when, defaultModelSettings))).toEqual(
          turning(issueHealthTrail(facts, issue.id, when, defaultModelSettings)),
        );
      }
    }
    // P from the kept sums equals P summed over every member's term.
    for (const when of [grown[grown.length - 1]!.at + 1, grown[grown.length - 1]!.at + 40 * DAY, grown[700]!.at]) {
      const open = new Set(o.issues.filter((i) => i.openedAt <= when && (i.resolvedAt === null || i.resolvedAt > when)).map((i) => i.id));
      for (const ids of [...o.issues.map((i) => new Set([i.id])), open]) {
        const kept = practiceFigureAt(facts, ids, when, defaultModelSettings);
        const summed = practiceFromTerms(practiceTerms(facts, ids, when, defaultModelSettings), defaultModelSettings);
        expect(kept.value).toBeCloseTo(summed.value, 9);
        expect(kept.how).toBe(summed.how);
      }
    }
    // Representativeness from the followed present equals a count member by member.
    const at = grown[grown.length - 1]!.at + 1;
    const since = at - defaultModelSettings.halfLifeDays * DAY;
    const massAt = (id: string, t: number) => {
      const m = o.members.find((x) => x.id === id)!;
      let role = m.roles![0]!.role;
      for (const p of m.roles!) if (p.from <= t) role = p.role;
      return role === 'member';
    };
    const split = ledgerOf(facts).split;
    const active = new Set([...split.acts, ...split.reports].filter((x) => x.at >= since && x.at <= at && massAt(x.memberId, at)).map((x) => x.memberId));
    for (const issue of o.issues) {
      const took = new Set(
        [...split.acts, ...split.reports].filter((x) => x.issueId === issue.id && x.at <= at && active.has(x.memberId)).map((x) => x.memberId),
      );
      expect(issueQualityAt(facts, issue.id, at, defaultModelSettings).representativeness.terms).toMatchObject({
        participants: took.size,
        activeMembers: active.size,
      });
    }
    // The ledger of the grown array was extended, not walked anew.
    expect(ledgerOf(facts).acts).toBe(grown);
  });

  it('is walked anew when an act arrives dated before the last one read', () => {
    const o = organisation(4);
    const acts = o.acts.slice(0, 1_000);
    const facts: ModelFacts = {
      members: o.members,
      issues: o.issues,
      acts,
      reports: [],
      lines: o.lines,
      endorsements: [],
      analyses: [],
      blocks: [],
      importance: [],
    };
    const first = ledgerOf(facts);
    acts.push({ ...acts[10]!, at: acts[10]!.at - 1, statementId: 'late' });
    const second = ledgerOf(facts);
    expect(second).not.toBe(first);
    const at = acts[999]!.at + 1;
    expect(rounded(organisationHealthAt(facts, at, defaultModelSettings))).toEqual(
      rounded(organisationHealthAt({ ...facts, acts: [...acts].sort((a, b) => a.at - b.at) }, at, defaultModelSettings)),
    );
  });
});
