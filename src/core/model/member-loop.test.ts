import { describe, expect, it } from 'vitest';
import type { ModelFacts, ReportFact } from './facts.js';
import { whatBecameOf } from './member-loop.js';
import { DAY_MS } from './time.js';

const T = Date.UTC(2026, 0, 1);
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const cites = (kind: 'statement' | 'report', ref: string) => [{ kind, ref }];
const report = (id: string, memberId: string, claimId: string, verdict: ReportFact['verdict'], at: number): ReportFact => ({
  id,
  issueId: 'i1',
  memberId,
  at,
  claimId,
  verdict,
});

describe('whatBecameOf', () => {
  const facts = factsOf({
    acts: [
      { memberId: 'me', issueId: 'i1', at: T, kind: 'statement', statementId: 's1' },
      { memberId: 'me', issueId: 'i1', at: T, kind: 'vote', statementId: 's2' },
      { memberId: 'me', issueId: 'i1', at: T + 1, kind: 'vote', statementId: 's2' },
      { memberId: 'me', issueId: 'i1', at: T, kind: 'vote', statementId: 's3' },
      { memberId: 'me', issueId: 'i1', at: T, kind: 'endorsement', statementId: null },
      { memberId: 'other', issueId: 'i1', at: T, kind: 'vote', statementId: 's4' },
    ],
    lines: [
      {
        id: 'v1',
        issueId: 'i1',
        number: 1,
        publishedAt: T + DAY_MS,
        claims: [
          { id: 'c1', text: 'A', cites: cites('statement', 's1') },
          { id: 'c2', text: 'B', cites: cites('statement', 's2') },
        ],
      },
      {
        id: 'v2',
        issueId: 'i1',
        number: 2,
        publishedAt: T + 3 * DAY_MS,
        claims: [
          { id: 'c3', text: 'A', cites: cites('statement', 's1') },
          { id: 'c4', text: 'C', cites: cites('report', 'mine1') },
        ],
      },
    ],
    reports: [
      report('mine1', 'me', 'c2', 'refutes', T + 2 * DAY_MS),
      report('r3', 'other', 'c1', 'refutes', T + 2 * DAY_MS),
      report('r2', 'third', 'c3', 'refutes', T + 4 * DAY_MS), // another member: one member's reports on a claim count once
      report('mine2', 'me', 'c3', 'confirms', T + 4 * DAY_MS),
    ],
  });

  it('follows each statement the member wrote or voted on into the claims that cite it, and their tests', () => {
    const loop = whatBecameOf(facts, 'me');
    expect(
      loop.statements.map((s) => [
        s.statementId,
        s.wrote,
        s.voted,
        s.citedBy.map((c) => `${c.claimId}${c.current ? '*' : ''}:${c.tests.map((t) => `${t.reportId}=${t.verdict}`).join(',')}`),
      ]),
    ).toEqual([
      ['s1', true, false, ['c1:r3=refutes', 'c3*:r2=refutes,mine2=confirms']],
      ['s2', false, true, ['c2:mine1=refutes']],
      ['s3', false, true, []],
    ]);
  });

  it("tells each of the member's reports where its claim stands now", () => {
    const loop = whatBecameOf(facts, 'me');
    // mine1 tested B, which version 2 dropped; mine2 tested A, refuted 2 to 1 across its versions
    expect(loop.reports.map((r) => [r.reportId, r.claim?.text, r.claimNow, r.citedBy.map((c) => c.claimId)])).toEqual([
      ['mine1', 'B', 'withdrawn', ['c4']],
      ['mine2', 'A', 'refuted', []],
    ]);
    expect(loop.how).toBe('2 of the 3 statements you wrote or voted on cited by a claim; 1 of your 2 reports tested a claim that stands refuted now');
  });

  it('shows a statement merged as a duplicate where it went, with the claims citing the statement it went into', () => {
    // s3 (no claim of its own) was merged into s1; s2 stands on its own
    const loop = whatBecameOf(facts, 'me', Infinity, new Map([['s3', 's1']]));
    expect(loop.statements.map((s) => [s.statementId, s.mergedInto, s.citedBy.map((c) => c.claimId)])).toEqual([
      ['s1', null, ['c1', 'c3']],
      ['s2', null, ['c2']],
      ['s3', 's1', ['c1', 'c3']],
    ]);
  });

  it('reads the facts as they stood at t', () => {
    const loop = whatBecameOf(facts, 'me', T + 2 * DAY_MS);
    expect(loop.reports.map((r) => [r.reportId, r.claimNow])).toEqual([['mine1', 'refuted']]);
    expect(loop.statements[0]?.citedBy.map((c) => c.claimId)).toEqual(['c1']);
  });
});
