import { describe, expect, it } from 'vitest';
import type { ParticipantRow, StatementColumn } from './types.js';
import { applyVote, compactVotes, createVoteStore, voteAt } from './vote-store.js';

const row = (r: number): ParticipantRow => r as ParticipantRow;
const col = (c: number): StatementColumn => c as StatementColumn;

describe('vote store', () => {
  it('keeps the latest vote per cell, in CSR order', () => {
    const store = createVoteStore();
    applyVote(store, 'ann', 's2', 1);
    applyVote(store, 'bob', 's1', -1);
    applyVote(store, 'ann', 's1', 0);
    applyVote(store, 'ann', 's2', -1); // replaces the first vote
    const matrix = compactVotes(store);
    expect(matrix.rowCount).toBe(2);
    expect(matrix.columnCount).toBe(2);
    expect(matrix.cellCount).toBe(3);
    // ann = row 0, s2 = column 0, s1 = column 1
    expect(Array.from(matrix.rowStart)).toEqual([0, 2, 3]);
    expect(Array.from(matrix.column)).toEqual([0, 1, 1]);
    expect(Array.from(matrix.value)).toEqual([-1, 0, -1]);
    expect(voteAt(matrix, row(0), col(0))).toBe(-1);
    expect(voteAt(matrix, row(1), col(0))).toBeUndefined();
    expect(store.revision).toBe(4);
  });

  it('merges new votes into an existing matrix', () => {
    const store = createVoteStore();
    applyVote(store, 'a', 'x', 1);
    applyVote(store, 'a', 'z', 1);
    compactVotes(store);
    applyVote(store, 'a', 'y', -1); // new column between
    applyVote(store, 'a', 'x', -1); // revote
    applyVote(store, 'b', 'z', 0); // new row
    const matrix = compactVotes(store);
    expect(Array.from(matrix.rowStart)).toEqual([0, 3, 4]);
    expect(Array.from(matrix.column)).toEqual([0, 1, 2, 1]);
    expect(Array.from(matrix.value)).toEqual([-1, 1, -1, 0]);
    expect(store.pendingCount).toBe(0);
  });

  it('agrees with a dictionary of latest votes on a random stream', () => {
    const store = createVoteStore();
    const latest = new Map<string, number>();
    let seed = 12345;
    const next = (bound: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % bound;
    };
    for (let step = 0; step < 5000; step++) {
      const p = `p${next(50)}`;
      const s = `s${next(30)}`;
      const v = next(3) - 1;
      applyVote(store, p, s, v);
      latest.set(`${p}|${s}`, v);
      if (step % 1000 === 999) compactVotes(store);
    }
    const matrix = compactVotes(store);
    expect(matrix.cellCount).toBe(latest.size);
    const recount = new Int32Array(3 * matrix.columnCount);
    for (let k = 0; k < matrix.cellCount; k++) recount[3 * matrix.column[k]! + matrix.value[k]! + 1]!++;
    expect(Array.from(matrix.columnVoteCounts)).toEqual(Array.from(recount));
    for (const [key, v] of latest) {
      const [p, s] = key.split('|') as [string, string];
      expect(voteAt(matrix, row(store.participantRowByKey.get(p)!), col(store.statementColumnByKey.get(s)!))).toBe(v);
    }
  });

  it('rejects a vote outside −1, 0, 1', () => {
    const store = createVoteStore();
    const result = applyVote(store, 'a', 'x', 2);
    expect(result.ok).toBe(false);
    expect(store.revision).toBe(0);
  });
});
