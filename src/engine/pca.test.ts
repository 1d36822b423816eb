import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnStatsOf } from './column-stats.js';
import {
  centredValueTable,
  centredValuesOf,
  gramTimesBlock,
  gramTimesBlockFromTable,
  principalComponents,
  projectParticipants,
  shrunkPositions,
} from './pca.js';
import { randomStateFromSeed, randomUnit } from './random.js';
import type { VoteMatrix } from './vote-store.js';
import { applyVote, compactVotes, createVoteStore } from './vote-store.js';

/** Dense reference: eigenvectors of XᵀX of the mean-imputed, centred matrix by plain power iteration with deflation. */
function denseComponents(x: number[][]): number[][] {
  const m = x[0]!.length;
  const gram = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0)));
  const comps: number[][] = [];
  for (let c = 0; c < 2; c++) {
    let v = Array.from({ length: m }, (_, i) => 1 + i * 0.01);
    for (let it = 0; it < 5000; it++) {
      for (const p of comps) {
        const d = p.reduce((s, pi, i) => s + pi * v[i]!, 0);
        v = v.map((vi, i) => vi - d * p[i]!);
      }
      const w = gram.map((row) => row.reduce((s, g, j) => s + g * v[j]!, 0));
      const norm = Math.hypot(...w);
      v = w.map((wi) => wi / norm);
    }
    comps.push(v);
  }
  return comps;
}

function buildStore(n: number, m: number, density: number, seed: number) {
  const store = createVoteStore();
  let s = seed;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const dense: (number | null)[][] = [];
  for (let i = 0; i < n; i++) {
    const group = i % 3;
    dense.push([]);
    for (let j = 0; j < m; j++) {
      if (rand() > density) {
        dense[i]!.push(null);
        continue;
      }
      const lean = ((j + group) % 3) - 1; // planted structure
      const v = rand() < 0.6 ? lean : Math.floor(rand() * 3) - 1;
      dense[i]!.push(v);
      applyVote(store, `p${i}`, `s${j}`, v);
    }
  }
  return { store, dense };
}

describe('sparse mean-imputed PCA', () => {
  it('matches dense PCA of the imputed matrix (|cos| ≈ 1) and projects like the dense formula', () => {
    const { store, dense } = buildStore(60, 12, 0.6, 7);
    const matrix = compactVotes(store);
    // columns are in first-appearance order; map dense columns through the store keys
    const columnOf = (j: number): number => store.statementColumnByKey.get(`s${j}`)!;
    const active = new Uint8Array(matrix.columnCount).fill(1);
    const stats = columnStatsOf(matrix, active);
    const centred = centredValuesOf(matrix, centredValueTable(stats, active));
    const pca = principalComponents(
      matrix,
      centredValueTable(stats, active),
      active,
      { width: 4, tolerance: 1e-13, maxIterations: 500, coldSampleRows: 0 },
      null,
      randomStateFromSeed(3),
    );
    expect(pca.converged).toBe(true);
    const rows = dense.map((row) => row.map((v, j) => (v === null ? 0 : v - stats.mean[columnOf(j)]!)));
    const reference = denseComponents(rows);
    const ours = [pca.component1, pca.component2];
    for (let c = 0; c < 2; c++) {
      const dot = reference[c]!.reduce((s, r, j) => s + r * ours[c]![columnOf(j)]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
    const projection = projectParticipants(matrix, centred, stats, pca.component1, pca.component2);
    const i = store.participantRowByKey.get('p5')!;
    const votes = dense[5]!.filter((v) => v !== null).length;
    const scale = Math.sqrt(12 / votes);
    const expected = rows[5]!.reduce((s, x, j) => s + x * pca.component1[columnOf(j)]!, 0) * scale;
    expect(projection[2 * i]!).toBeCloseTo(expected, 5);
  });

  it('warm-starts from the previous basis in fewer products', () => {
    const { store } = buildStore(300, 20, 0.5, 11);
    const matrix = compactVotes(store);
    const active = new Uint8Array(matrix.columnCount).fill(1);
    const stats = columnStatsOf(matrix, active);
    const options = { width: 4, tolerance: 1e-10, maxIterations: 200, coldSampleRows: 0 };
    const cold = principalComponents(matrix, centredValueTable(stats, active), active, options, null, randomStateFromSeed(1));
    const warm = principalComponents(matrix, centredValueTable(stats, active), active, options, cold.basis, randomStateFromSeed(1));
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(warm.iterations).toBeLessThanOrEqual(3);
  });

  it('ignores inactive (moderated) statements entirely', () => {
    const { store } = buildStore(90, 10, 0.7, 5);
    const matrix = compactVotes(store);
    const active = new Uint8Array(matrix.columnCount).fill(1);
    active[2] = 0;
    const stats = columnStatsOf(matrix, active);
    const pca = principalComponents(
      matrix,
      centredValueTable(stats, active),
      active,
      { width: 4, tolerance: 1e-10, maxIterations: 200, coldSampleRows: 0 },
      null,
      randomStateFromSeed(1),
    );
    expect(pca.component1[2]).toBe(0);
    expect(pca.component2[2]).toBe(0);
    expect(stats.activeColumnCount).toBe(9);
  });

  it('shrinks sparse voters towards the centre more than full voters', () => {
    const { store } = buildStore(30, 10, 0.5, 5);
    const matrix = compactVotes(store);
    const active = new Uint8Array(matrix.columnCount).fill(1);
    const stats = columnStatsOf(matrix, active);
    const projection = new Float64Array(2 * matrix.rowCount).fill(1);
    const positions = shrunkPositions(projection, stats, 1);
    for (let r = 0; r < matrix.rowCount; r++) {
      const f = stats.rowActiveVotes[r]! / stats.activeColumnCount;
      expect(positions[2 * r]!).toBeCloseTo(Math.sqrt(f) / (f + 1), 12);
    }
  });
});

describe('projection from PCA row scores', () => {
  it('equals the projection computed by a separate pass over the votes', async () => {
    const { projectionFromScores, orientComponent } = await import('./pca.js');
    const { store } = buildStore(120, 15, 0.5, 21);
    const matrix = compactVotes(store);
    const active = new Uint8Array(matrix.columnCount).fill(1);
    const stats = columnStatsOf(matrix, active);
    const centred = centredValuesOf(matrix, centredValueTable(stats, active));
    const pca = principalComponents(
      matrix,
      centredValueTable(stats, active),
      active,
      { width: 4, tolerance: 1e-8, maxIterations: 200, coldSampleRows: 0 },
      null,
      randomStateFromSeed(2),
    );
    const s1 = orientComponent(pca.component1, null);
    const s2 = orientComponent(pca.component2, null);
    const fused = projectionFromScores(pca.rowScores, stats, s1, s2);
    const separate = projectParticipants(matrix, centred, stats, pca.component1, pca.component2);
    for (let i = 0; i < fused.length; i++) expect(fused[i]!).toBeCloseTo(separate[i]!, 9);
  });
});

/** XᵀX·V and X·V by plain triple loops over the dense matrix X (n × m), V row-major m × width. */
function naiveGramTimesBlock(x: number[][], block: Float64Array, width: number): { image: number[]; scores: number[] } {
  const n = x.length;
  const m = block.length / width;
  const scores = new Array<number>(n * width).fill(0);
  for (let r = 0; r < n; r++) for (let q = 0; q < width; q++) for (let j = 0; j < m; j++) scores[r * width + q]! += x[r]![j]! * block[j * width + q]!;
  const image = new Array<number>(m * width).fill(0);
  for (let j = 0; j < m; j++) for (let q = 0; q < width; q++) for (let r = 0; r < n; r++) image[j * width + q]! += x[r]![j]! * scores[r * width + q]!;
  return { image, scores };
}

/** The dense n × m matrix holding `valueOf(k)` at each stored vote k of `matrix`, 0 elsewhere. */
function denseOf(matrix: VoteMatrix, valueOf: (k: number) => number): number[][] {
  const x = Array.from({ length: matrix.rowCount }, () => new Array<number>(matrix.columnCount).fill(0));
  for (let r = 0; r < matrix.rowCount; r++) for (let k = matrix.rowStart[r]!; k < matrix.rowStart[r + 1]!; k++) x[r]![matrix.column[k]!] = valueOf(k);
  return x;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(expected[i]!)));
}

describe('the Gram products XᵀX·V against a plain triple loop', () => {
  // Every width the kernels distinguish: 4 (the default), 2, and the generic loop (1, 3, 5, 6);
  // random sparse votes, some statements moderated out, a random block.
  const conversation = fc.record({
    participants: fc.integer({ min: 1, max: 12 }),
    statements: fc.integer({ min: 1, max: 8 }),
    width: fc.integer({ min: 1, max: 6 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  });

  function drawn({
    participants,
    statements,
    width,
    density,
    seed,
  }: {
    participants: number;
    statements: number;
    width: number;
    density: number;
    seed: number;
  }) {
    const random = randomStateFromSeed(seed);
    const store = createVoteStore();
    for (let i = 0; i < participants; i++) {
      for (let j = 0; j < statements; j++) if (randomUnit(random) < density) applyVote(store, `p${i}`, `s${j}`, Math.floor(randomUnit(random) * 3) - 1);
    }
    const matrix = compactVotes(store);
    const active = Uint8Array.from({ length: matrix.columnCount }, () => (randomUnit(random) < 0.2 ? 0 : 1));
    const table = centredValueTable(columnStatsOf(matrix, active), active);
    const block = Float64Array.from({ length: matrix.columnCount * width }, () => randomUnit(random) * 2 - 1);
    return { matrix, table, block, width };
  }

  it('gramTimesBlock (centred values materialised) equals it for every width', () => {
    fc.assert(
      fc.property(conversation, (drawnConversation) => {
        const { matrix, table, block, width } = drawn(drawnConversation);
        const centred = centredValuesOf(matrix, table);
        const expected = naiveGramTimesBlock(
          denseOf(matrix, (k) => centred[k]!),
          block,
          width,
        );
        const image = new Float64Array(matrix.columnCount * width).fill(Number.NaN);
        const scores = new Float64Array(matrix.rowCount * width);
        gramTimesBlock(matrix, centred, block, width, image, scores);
        expectClose(image, expected.image);
        expectClose(scores, expected.scores);
      }),
    );
  });

  it('gramTimesBlockFromTable (x − μ looked up per vote) equals it for every width', () => {
    fc.assert(
      fc.property(conversation, (drawnConversation) => {
        const { matrix, table, block, width } = drawn(drawnConversation);
        const expected = naiveGramTimesBlock(
          denseOf(matrix, (k) => table[3 * matrix.column[k]! + matrix.value[k]! + 1]!),
          block,
          width,
        );
        const image = new Float64Array(matrix.columnCount * width).fill(Number.NaN);
        const scores = new Float64Array(matrix.rowCount * width);
        gramTimesBlockFromTable(matrix, table, block, width, image, scores);
        expectClose(image, expected.image);
        expectClose(scores, expected.scores);
      }),
    );
  });
});
