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
    version('v2', 2, T + 10 * DAY_MS, [claim('a', 'A'), claim('b', 'B')]), // practice between v1 and v2
    version('v3', 3, T + 20 * DAY_MS, [claim('c', 'C')]), // nothing between v2 and v3
    version('v4', 4, T + 30 * DAY_MS, [claim('c', 'C')]), // same claims, nothing between: not a revision
  ];
  const acts = [
    { memberId: 'm', issueId: 'i1', at: T, kind: 'vote' as const, statementId: 's' }, // at v1's publication: before the window
    { memberId: 'm', issueId: 'i1', at: T + 5 * DAY_MS, kind: 'vote' as const, statementId: 's' },
    { memberId: 'm', issueId: 'i2', at: T + 15 * DAY_MS, kind: 'vote' as const, statementId: 's' }, // another issue
  ];
  it('marks a revision without practice, never the first version or an unchanged one', () => {
    const h = lineHistoryAt(factsOf({ lines, acts }), 'i1', T + 40 * DAY_MS);
    expect(h.versions.map((v) => v.revisionWithoutPractice)).toEqual([false, false, true, false]);
    expect(h.versions.map((v) => v.practiceSincePrevious)).toEqual([null, { acts: 1, reports: 0 }, { acts: 0, reports: 0 }, { acts: 0, reports: 0 }]);
    expect(h.versions[2]?.how).toBe('version 3: +1 −2 =0 claims since version 2, after 0 acts and 0 reports: revision without practice');
  });
  it('counts a report as practice, and an act at the new publication instant', () => {
    const reports = [{ id: 'r', issueId: 'i1', memberId: 'm', at: T + 15 * DAY_MS, claimId: null, verdict: null }];
    const atPublication = [{ memberId: 'm', issueId: 'i1', at: T + 10 * DAY_MS, kind: 'endorsement' as const, statementId: null }];
    const h = lineHistoryAt(factsOf({ lines: lines.slice(0, 3), reports, acts: atPublication }), 'i1', T + 40 * DAY_MS);
    expect(h.versions.map((v) => v.revisionWithoutPractice)).toEqual([false, false, false]);
  });
  it('marks the line drifted from the masses when the current version has a refuted claim', () => {
    const reports = [{ id: 'r', issueId: 'i1', memberId: 'm', at: T + 31 * DAY_MS, claimId: 'c', verdict: 'refutes' as const }];
    expect(lineHistoryAt(factsOf({ lines, reports }), 'i1', T + 30 * DAY_MS).driftedFromMasses).toBe(false);
    expect(lineHistoryAt(factsOf({ lines, reports }), 'i1', T + 31 * DAY_MS).driftedFromMasses).toBe(true);
  });
});
