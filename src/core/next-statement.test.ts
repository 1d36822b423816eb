import { describe, expect, it } from 'vitest';
import { pickNextStatement } from './next-statement.js';

describe('pickNextStatement', () => {
  const base = { isSeed: false, voteCount: 0, createdAt: '2026-01-01T00:00:00.000Z' };
  it('prefers seeds, then fewer votes, then older, then id', () => {
    expect(
      pickNextStatement([
        { ...base, id: 'b', voteCount: 3 },
        { ...base, id: 'a', voteCount: 5, isSeed: true },
      ])?.id,
    ).toBe('a');
    expect(
      pickNextStatement([
        { ...base, id: 'b', voteCount: 3 },
        { ...base, id: 'a', voteCount: 5 },
      ])?.id,
    ).toBe('b');
    expect(
      pickNextStatement([
        { ...base, id: 'b', createdAt: '2026-01-02T00:00:00.000Z' },
        { ...base, id: 'c' },
      ])?.id,
    ).toBe('c');
    expect(
      pickNextStatement([
        { ...base, id: 'z' },
        { ...base, id: 'y' },
      ])?.id,
    ).toBe('y');
  });
  it('follows the engine priority when both have one', () => {
    expect(
      pickNextStatement([
        { ...base, id: 'a', enginePriority: 0.2, isSeed: true },
        { ...base, id: 'b', enginePriority: 0.9, voteCount: 9 },
      ])?.id,
    ).toBe('b');
  });
  it('returns null when nothing is left', () => {
    expect(pickNextStatement([])).toBeNull();
  });
});
