import { describe, expect, it } from 'vitest';
import type { EndorsementFact, ModelFacts } from './facts.js';
import type { EndorsementKind } from '../vocabulary.js';
import { defaultModelSettings as defaults } from './settings.js';
import { embraceRateAt } from './embrace.js';

const T = Date.UTC(2026, 0, 1);
function factsOf(parts: Partial<ModelFacts>): ModelFacts {
  return { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [], ...parts };
}
const answer = (memberId: string, kind: EndorsementKind, at = T + 1): EndorsementFact => ({ memberId, lineVersionId: 'v1', issueId: 'i1', at, kind });
const member = (id: string, constituency: string | null) => ({ id, joinedAt: T - 1, constituency });

const base = factsOf({
  members: [member('a', 'worker'), member('b', 'worker'), member('c', 'tenant'), member('d', 'tenant'), member('e', null), member('f', 'student'), member('g', 'worker')],
  lines: [{ id: 'v1', issueId: 'i1', number: 1, publishedAt: T, claims: [] }],
  analyses: [
    {
      id: 'x1', issueId: 'i1', at: T - 1, consensus: [], representative: [], divisive: [], groupVotes: {},
      groups: [{ id: 'g1', members: ['a', 'b', 'c'] }, { id: 'g2', members: ['d', 'e'] }, { id: 'g3', members: ['f'] }],
    },
  ],
  endorsements: [
    answer('a', 'embrace'), answer('b', 'embrace'),
    answer('c', 'embrace'), answer('c', 'critique', T + 2), // changed: critique counts
    answer('d', 'embrace'), answer('e', 'amend'),
  ],
});

describe('embraceRateAt', () => {
  it('is embraces over responders, overall, per group and per constituency, with each member\'s latest answer', () => {
    const e = embraceRateAt(base, 'v1', T + 10, defaults);
    // overall 3 of 5 = 60 % < 2/3; g1 2 of 3 ≥ 1/2; g2 1 of 2 = 1/2 meets exactly; g3 nobody answered
    expect(e?.overall).toEqual({ embraced: 3, responders: 5, rate: 0.6 });
    expect(e?.groups.map((g) => [g.groupId, g.embraced, g.responders, g.status])).toEqual([
      ['g1', 2, 3, 'meets'],
      ['g2', 1, 2, 'meets'],
      ['g3', 0, 0, 'no-responders'],
    ]);
    expect(e?.constituencies.map((c) => [c.constituency, c.embraced, c.responders, c.status])).toEqual([
      ['student', 0, 0, 'no-responders'],
      ['tenant', 1, 2, 'below'],
      ['worker', 2, 2, 'meets'],
    ]);
    expect(e?.meetsTarget).toBe(false);
    expect(e?.shortfalls).toEqual(['overall 60 % (3 of 5) is below the target 67 %']);
  });

  it('meets the targets at exactly 2/3 overall, a group without responders not counted as failing', () => {
    const facts = { ...base, endorsements: [...base.endorsements, answer('g', 'embrace')] };
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.overall).toEqual({ embraced: 4, responders: 6, rate: 2 / 3 });
    expect(e?.meetsTarget).toBe(true);
    expect(e?.shortfalls).toEqual([]);
  });

  it('names each group below its target', () => {
    const facts = { ...base, endorsements: [...base.endorsements, answer('b', 'critique', T + 3)] };
    const e = embraceRateAt(facts, 'v1', T + 10, defaults);
    expect(e?.shortfalls).toContain('group g1: 33 % (1 of 3) is below the group target 50 %');
  });

  it('reads the facts as they stood at t', () => {
    expect(embraceRateAt(base, 'v1', T + 1, defaults)?.overall).toEqual({ embraced: 4, responders: 5, rate: 0.8 });
    expect(embraceRateAt(base, 'v1', T, defaults)?.shortfalls).toEqual(['no responders yet']);
    expect(embraceRateAt(base, 'nope', T, defaults)).toBeNull();
  });
});
