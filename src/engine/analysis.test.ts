import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './agreement.js';
import { analyzeConversation } from './analysis.js';
import { randomStateFromSeed, randomUnit } from './random.js';
import type { VoteStore } from './vote-store.js';
import { applyVote, createVoteStore } from './vote-store.js';

/** Three planted opinion groups over 40 statements; statement s0 is agreed by everyone. */
function plantedConversation(participants: number, seed: number): { store: VoteStore; truth: Map<string, number> } {
  const random = randomStateFromSeed(seed);
  const store = createVoteStore();
  const truth = new Map<string, number>();
  const lean = Array.from({ length: 3 }, () => Array.from({ length: 40 }, () => (randomUnit(random) < 0.5 ? 0.15 : 0.85)));
  for (let i = 0; i < participants; i++) {
    const g = i % 3;
    truth.set(`p${i}`, g);
    for (let j = 0; j < 40; j++) {
      if (randomUnit(random) > 0.5) continue;
      const u = randomUnit(random);
      const agreeRate = j === 0 ? 0.95 : lean[g]![j]!;
      const vote = u < 0.15 ? 0 : randomUnit(random) < agreeRate ? 1 : -1;
      applyVote(store, `p${i}`, `s${j}`, vote);
    }
  }
  return { store, truth };
}

describe('analyzeConversation', () => {
  it('recovers planted groups and reports every part of the analysis', () => {
    const { store, truth } = plantedConversation(300, 1);
    const analysis = analyzeConversation(store, { seed: 7 });
    expect(analysis.counts).toMatchObject({ participants: 300, statements: 40, activeStatements: 40, groups: 3 });
    const ours: number[] = [];
    const planted: number[] = [];
    analysis.participantKeys.forEach((key, r) => {
      ours.push(analysis.groupOfParticipant[r]!);
      planted.push(truth.get(key)!);
    });
    expect(adjustedRandIndex(planted, ours)).toBeGreaterThan(0.9);
    expect(analysis.groups.map((g) => g.id)).toEqual([0, 1, 2]);
    expect(analysis.groups.reduce((s, g) => s + g.members.length, 0)).toBe(analysis.counts.clustered);
    for (const g of analysis.groups) expect(g.representative.length).toBeGreaterThan(0);
    expect(analysis.consensus.agree[0]?.statement).toBe('s0');
    expect(analysis.divisive.length).toBeGreaterThan(0);
    const s0 = store.statementColumnByKey.get('s0')!;
    const finite = Array.from(analysis.bridging.score).filter(Number.isFinite);
    expect(analysis.bridging.score[s0]).toBe(Math.max(...finite));
    expect(analysis.priority.every((p) => p > 0)).toBe(true);
  });

  it('is deterministic: same input and seed, same output', () => {
    const a = analyzeConversation(plantedConversation(200, 2).store, { seed: 3 });
    const b = analyzeConversation(plantedConversation(200, 2).store, { seed: 3 });
    expect(Array.from(b.groupOfParticipant)).toEqual(Array.from(a.groupOfParticipant));
    expect(Array.from(b.projection)).toEqual(Array.from(a.projection));
    expect(Array.from(b.priority)).toEqual(Array.from(a.priority));
    expect(Array.from(b.bridging.score)).toEqual(Array.from(a.bridging.score));
  });

  it('warm-starts: keeps group ids, converges in few products, and takes new participants in', () => {
    const { store } = plantedConversation(300, 4);
    const cold = analyzeConversation(store);
    applyVote(store, 'p1', 's3', 1);
    for (let j = 0; j < 10; j++) applyVote(store, 'newcomer', `s${j}`, j % 2 === 0 ? 1 : -1);
    const warm = analyzeConversation(store, {}, cold);
    expect(warm.pca.iterations).toBeLessThan(cold.pca.iterations);
    expect(warm.counts.participants).toBe(301);
    expect(warm.groupOfParticipant[300]).toBeGreaterThanOrEqual(0);
    const same = cold.participantKeys.filter((_, r) => cold.groupOfParticipant[r] === warm.groupOfParticipant[r]).length;
    expect(same / 300).toBeGreaterThan(0.95);
    expect(warm.groups.map((g) => g.id)).toEqual(cold.groups.map((g) => g.id));
  });

  it('leaves moderated-out statements out of every result', () => {
    const { store } = plantedConversation(150, 5);
    const analysis = analyzeConversation(store, { moderatedOut: ['s0', 's5'] });
    const out = [store.statementColumnByKey.get('s0')!, store.statementColumnByKey.get('s5')!];
    expect(analysis.counts.activeStatements).toBe(38);
    for (const c of out) {
      expect(analysis.pca.component1[c]).toBe(0);
      expect(analysis.priority[c]).toBe(0);
      expect(Number.isNaN(analysis.bridging.score[c]!)).toBe(true);
    }
    const named = [...analysis.consensus.agree, ...analysis.consensus.disagree, ...analysis.divisive, ...analysis.groups.flatMap((g) => g.representative)];
    expect(named.some((s) => s.statement === 's0' || s.statement === 's5')).toBe(false);
  });

  it('follows the participation rule: 7 votes, or the busiest voters up to 15', () => {
    const store = createVoteStore();
    for (let i = 0; i < 20; i++) for (let j = 0; j < (i < 3 ? 8 : 2 + (i % 3)); j++) applyVote(store, `p${i}`, `s${j}`, (i + j) % 3 === 0 ? 1 : -1);
    const analysis = analyzeConversation(store);
    expect(analysis.counts.clustered).toBe(15);
    for (let r = 0; r < 3; r++) expect(analysis.clustered[r]).toBe(1);
  });
});

describe('analyzeConversation on degenerate input', () => {
  it('handles an empty store, one participant, one statement and all-moderated statements', () => {
    const empty = analyzeConversation(createVoteStore());
    expect(empty.counts).toMatchObject({ participants: 0, statements: 0, groups: 0, clustered: 0 });
    const one = createVoteStore();
    applyVote(one, 'a', 's', 1);
    expect(analyzeConversation(one).counts).toMatchObject({ participants: 1, groups: 0 });
    const column = createVoteStore();
    for (let i = 0; i < 30; i++) applyVote(column, `p${i}`, 's', i % 2 === 0 ? 1 : -1);
    const single = analyzeConversation(column);
    expect(single.counts.statements).toBe(1);
    expect(single.projection.every(Number.isFinite)).toBe(true);
    const hidden = analyzeConversation(plantedConversation(40, 9).store, { moderatedOut: Array.from({ length: 40 }, (_, j) => `s${j}`) });
    expect(hidden.counts).toMatchObject({ activeStatements: 0, clustered: 0, groups: 0 });
    expect(hidden.consensus.agree).toEqual([]);
  });
});

describe('warm analysis after new statements', () => {
  it('finds the same opinion map as a cold one, so a group can divide', () => {
    const store = createVoteStore();
    const noisy = (i: number, j: number, v: number) => ((i * 3 + j) % 7 === 0 ? 0 : v);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 10; j++) applyVote(store, `m${i}`, `s${j}`, noisy(i, j, i < 15 === j < 5 ? 1 : -1));
    const before = analyzeConversation(store, { seed: 1 });
    // New statements on which the first camp divides: the old plane has no component along them.
    for (let i = 0; i < 30; i++) for (let j = 0; j < 8; j++) applyVote(store, `m${i}`, `t${j}`, noisy(i, j + 10, i < 7 ? 1 : i < 15 ? -1 : j % 2 ? 1 : -1));
    const warm = analyzeConversation(store, { seed: 1 }, before);
    const cold = analyzeConversation(store, { seed: 1 });
    expect(warm.pca.eigenvalues[1]).toBeCloseTo(cold.pca.eigenvalues[1], 3);
    expect(warm.groupCounts.find((g) => g.k === 3)?.silhouette).toBeCloseTo(cold.groupCounts.find((g) => g.k === 3)!.silhouette, 3);
  });
});
