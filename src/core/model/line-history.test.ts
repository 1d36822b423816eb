import { describe, expect, it } from 'vitest';
import type { ClaimFact, ModelFacts } from './facts.js';
import { claimDiff, lineHistoryAt } from './line-history.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const claim = (id: string, text: string): ClaimFact => ({ id, text, cites: [] });
const version = (id: string, number: number, publishedAt: number, claims: ClaimFact[]) => ({ id, issueId: 'i1', number, publishedAt, claims });

describe('claimDiff', () => {
  it('compares by text', () => {
    const d = claimDiff(version('v1', 1, T, [claim('a', 'A'), claim('b', 'B')]), version('v2', 2, T, [claim('b2', 'B'), claim('c', 'C')]));
    expect(d.added.map((c) => c.text)).toEqual(['C']);
    expect(d.removed.map((c) => c.text)).toEqual(['A']);
    expect(d.kept.map((c) => c.id)).toEqual(['b2']);
  });
  it('counts everything as added against nothing', () => {
    expect(claimDiff(null, version('v1', 1, T, [claim('a', 'A')])).added).toHaveLength(1);
  });
});

describe('lineHistoryAt', () => {
  const lines = [
    version('v1', 1, T, [claim('a', 'A')]),
    version('v2', 2, T + 10 * DAY_MS, [claim('a', 'A'), claim('b', 'B')]), // adds 1 claim after a report
    version('v3', 3, T + 20 * DAY_MS, [claim('c', 'C')]), // adds 1 claim after one member's click
    version('v4', 4, T + 30 * DAY_MS, [claim('c', 'C')]), // same claims, nothing between: not a revision
  ];
  const vote = (memberId: string, at: number, statementId = 's', issueId = 'i1') => ({ memberId, issueId, at, kind: 'vote' as const, statementId });
  const acts = [
    vote('m', T), // at v1's publication: before the window
    vote('m', T + 15 * DAY_MS), // one click between v2 and v3
    vote('m', T + 15 * DAY_MS, 's', 'i2'), // another issue
  ];
  const reports = [{ id: 'r', issueId: 'i1', memberId: 'q', at: T + 5 * DAY_MS, claimId: null, verdict: null }];
  it('marks a revision whose practice gained is below 1/β of the logic it adds; one click does not clear it', () => {
    const h = lineHistoryAt(factsOf({ lines, acts, reports }), 'i1', T + 40 * DAY_MS);
    expect(h.versions.map((v) => v.revisionWithoutPractice)).toEqual([false, false, true, false]);
    // v2: P = α = 3, π = 3/10 = 0.3 ≥ (1/3)/2; v3: P = 1/7, π = 0.014 < (1/3)/2
    expect(h.versions.map((v) => v.practiceSincePrevious && [v.practiceSincePrevious.acts, v.practiceSincePrevious.reports])).toEqual([
      null,
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(h.versions[1]?.practiceSincePrevious?.pi).toBeCloseTo(0.3, 12);
    expect(h.versions[2]?.practiceSincePrevious?.pi).toBeCloseTo(1 / 70, 12);
    expect(h.versions[2]?.practiceSincePrevious?.logicAdded).toBeCloseTo(1 / 3, 12);
    expect(h.versions[2]?.how).toBe(
      'version 3: +1 −2 =0 claims since version 2, after 1 act and 0 reports of the members (practice gained 0.01 of P₀ = 10; logic added 1/3 = 0.33, more than β = 2 times the practice): revision without practice',
    );
  });
  it("weighs the masses' practice, not the leadership's, without decay, against the claims added", () => {
    const organiser = { id: 'o', joinedAt: T - DAY_MS, constituency: null, roles: [{ role: 'organiser' as const, from: T - DAY_MS }] };
    const five = [version('v1', 1, T, [claim('a', 'A')]), version('v2', 2, T + 400 * DAY_MS, [claim('a', 'A'), claim('b', 'B'), claim('c', 'C')])];
    // Three members fully consulted 390 days before v2 (no decay): P = 3, π = 0.3 < (2/3)/2.
    const consulted = ['m1', 'm2', 'm3'].flatMap((m) => Array.from({ length: 7 }, (_, i) => vote(m, T + 10 * DAY_MS, `s${i}`)));
    // The organiser's seven votes and a report would lift it to 7: they are not practice.
    const leadership = [...Array.from({ length: 7 }, (_, i) => vote('o', T + 20 * DAY_MS, `s${i}`))];
    const theirReport = [{ id: 'ro', issueId: 'i1', memberId: 'o', at: T + 20 * DAY_MS, claimId: null, verdict: null }];
    const h = lineHistoryAt(factsOf({ members: [organiser], lines: five, acts: [...consulted, ...leadership], reports: theirReport }), 'i1', T + 400 * DAY_MS);
    expect(h.versions[1]?.practiceSincePrevious).toMatchObject({ acts: 21, reports: 0, practice: 3 });
    expect(h.versions[1]?.revisionWithoutPractice).toBe(true);
    // One more member, fully consulted: P = 4, π = 0.4 ≥ 1/3: the revision stands on practice.
    const fourth = Array.from({ length: 7 }, (_, i) => vote('m4', T + 30 * DAY_MS, `s${i}`));
    const after = lineHistoryAt(
      factsOf({ members: [organiser], lines: five, acts: [...consulted, ...leadership, ...fourth], reports: theirReport }),
      'i1',
      T + 400 * DAY_MS,
    );
    expect(after.versions[1]?.revisionWithoutPractice).toBe(false);
  });
  it('counts a report as practice, and an act at the new publication instant', () => {
    const atPublication = Array.from({ length: 7 }, (_, i) => vote(`p${i}`, T + 20 * DAY_MS));
    const h = lineHistoryAt(factsOf({ lines: lines.slice(0, 3), reports, acts: atPublication }), 'i1', T + 40 * DAY_MS);
    // v3: seven members at its publication instant, one act each: P = 1, π = 0.1 < 1/6, still without practice; with a report P = 4 clears it
    expect(h.versions.map((v) => v.revisionWithoutPractice)).toEqual([false, false, true]);
    const reported = [...reports, { id: 'r2', issueId: 'i1', memberId: 'q', at: T + 20 * DAY_MS, claimId: null, verdict: null }];
    const withReport = lineHistoryAt(factsOf({ lines: lines.slice(0, 3), reports: reported, acts: atPublication }), 'i1', T + 40 * DAY_MS).versions[2];
    expect(withReport?.practiceSincePrevious).toMatchObject({ acts: 7, reports: 1, practice: 4 });
    expect(withReport?.revisionWithoutPractice).toBe(false);
  });
  it('marks the line drifted from the masses when the current version has a refuted claim', () => {
    const reports = [{ id: 'r', issueId: 'i1', memberId: 'm', at: T + 31 * DAY_MS, claimId: 'c', verdict: 'refutes' as const }];
    expect(lineHistoryAt(factsOf({ lines, reports }), 'i1', T + 30 * DAY_MS).driftedFromMasses).toBe(false);
    expect(lineHistoryAt(factsOf({ lines, reports }), 'i1', T + 31 * DAY_MS).driftedFromMasses).toBe(true);
  });
});
