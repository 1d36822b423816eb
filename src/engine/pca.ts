/**
 * Mean-imputed PCA of the vote matrix, in O(votes) per pass, and the sparsity-aware projection.
 *
 * Pol.is imputes every missing vote with its statement's mean and then centres each column by
 * that same mean, so every imputed cell is exactly 0 after centring: the centred matrix X has the
 * sparsity of the votes. We therefore never build it; each product XᵀX·V is one pass over the CSR
 * rows (t = x_i·V, then W += x_iᵀ t), with x_ij − μ_j looked up on the fly.
 *
 * Instead of Pol.is's one-vector power iteration with deflation (100 rounds, unseeded start,
 * stop only on a bit-identical eigenvalue), we run block subspace iteration with a Rayleigh–Ritz
 * step: `width` ≥ 2 vectors at once (the extra ones speed convergence when λ₂ ≈ λ₃), a seeded
 * or warm start, and a tolerance stop. The two leading Ritz vectors are the components.
 */
import type { ColumnStats } from './column-stats.js';
import type { RandomState } from './random.js';
import { randomUnit } from './random.js';
import { symmetricEigen } from './small-linear-algebra.js';
import type { VoteMatrix } from './vote-store.js';
import { rowSampleOf } from './vote-store.js';

/** A subspace basis to warm-start from: `width` orthonormal vectors over statements, row-major m × width. */
export interface PcaBasis {
  readonly statementCount: number;
  readonly width: number;
  readonly vectors: Float64Array;
}

export interface PcaOptions {
  /** Subspace width (≥ 2). */
  readonly width: number;
  /**
   * Cold starts on more rows than this first converge on a strided sample of about this many
   * rows (same column means), then refine on all rows from that basis: a few full products
   * instead of many. 0 disables.
   */
  readonly coldSampleRows: number;
  /**
   * Stop when the plane of the two leading Ritz vectors moves less than this between products:
   * 1 − cos θ < tolerance, θ the largest principal angle between consecutive planes. (A plane
   * criterion, not a per-vector one: when λ₁ ≈ λ₂ the vectors may turn inside a settled plane.)
   */
  readonly tolerance: number;
  readonly maxIterations: number;
}

/**
 * The two principal components over statements. `component1/2[j]` is 0 for inactive statements.
 * Invariant: each component has unit norm (or is all 0 when the data has no such direction).
 */
export interface PcaResult {
  readonly component1: Float64Array;
  readonly component2: Float64Array;
  /** Eigenvalues of XᵀX for the two components (descending). */
  readonly eigenvalues: readonly [number, number];
  /** Products XᵀX·V computed over all rows. */
  readonly iterations: number;
  /** Products computed over the cold-start row sample (0 without one). */
  readonly sampleIterations: number;
  readonly converged: boolean;
  readonly basis: PcaBasis;
  /**
   * Each row's scores x_i·(c1, c2) on the two components (unscaled projection), x, y interleaved;
   * a by-product of the last product, so projecting costs no extra pass over the votes.
   */
  readonly rowScores: Float64Array;
}

/** Centred value x − μ_j per (statement, vote), laid out as table[3j + vote + 1]; 0 for inactive statements. */
export function centredValueTable(stats: ColumnStats, active: Uint8Array): Float64Array {
  const m = stats.mean.length;
  const table = new Float64Array(3 * m);
  for (let j = 0; j < m; j++) {
    if (active[j] === 0) continue;
    const mu = stats.mean[j]!;
    table[3 * j] = -1 - mu;
    table[3 * j + 1] = -mu;
    table[3 * j + 2] = 1 - mu;
  }
  return table;
}

/**
 * The centred value x_ij − μ_j of every stored vote, in CSR order (0 for inactive statements).
 * Float32 halves the memory traffic of the products; the rounding (< 1e-7 relative) is far
 * below the noise of votes.
 */
export function centredValuesOf(matrix: VoteMatrix, table: Float64Array): Float32Array {
  const { column, value, cellCount } = matrix;
  const centred = new Float32Array(cellCount);
  for (let k = 0; k < cellCount; k++) centred[k] = table[3 * column[k]! + value[k]! + 1]!;
  return centred;
}

/** W = XᵀX·V for a row-major m × width block V: per row t = x_i·V, then W += x_iᵀ t (widths 2 and 4 unrolled). */
export function gramTimesBlock(
  matrix: VoteMatrix,
  centred: Float32Array,
  block: Float64Array,
  width: number,
  out: Float64Array,
  rowScores: Float64Array | null = null,
): void {
  out.fill(0);
  const { rowStart, column, rowCount } = matrix;
  if (width === 4) {
    for (let r = 0; r < rowCount; r++) {
      const from = rowStart[r]!;
      const to = rowStart[r + 1]!;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let k = from; k < to; k++) {
        const x = centred[k]!;
        const o = column[k]! << 2;
        t0 += x * block[o]!;
        t1 += x * block[o + 1]!;
        t2 += x * block[o + 2]!;
        t3 += x * block[o + 3]!;
      }
      if (rowScores !== null) {
        rowScores[4 * r] = t0;
        rowScores[4 * r + 1] = t1;
        rowScores[4 * r + 2] = t2;
        rowScores[4 * r + 3] = t3;
      }
      for (let k = from; k < to; k++) {
        const x = centred[k]!;
        const o = column[k]! << 2;
        out[o]! += x * t0;
        out[o + 1]! += x * t1;
        out[o + 2]! += x * t2;
        out[o + 3]! += x * t3;
      }
    }
    return;
  }
  if (width === 2) {
    for (let r = 0; r < rowCount; r++) {
      const from = rowStart[r]!;
      const to = rowStart[r + 1]!;
      let t0 = 0;
      let t1 = 0;
      for (let k = from; k < to; k++) {
        const x = centred[k]!;
        const o = column[k]! << 1;
        t0 += x * block[o]!;
        t1 += x * block[o + 1]!;
      }
      if (rowScores !== null) {
        rowScores[2 * r] = t0;
        rowScores[2 * r + 1] = t1;
      }
      for (let k = from; k < to; k++) {
        const x = centred[k]!;
        const o = column[k]! << 1;
        out[o]! += x * t0;
        out[o + 1]! += x * t1;
      }
    }
    return;
  }
  const t = new Float64Array(width);
  for (let r = 0; r < rowCount; r++) {
    const from = rowStart[r]!;
    const to = rowStart[r + 1]!;
    t.fill(0);
    for (let k = from; k < to; k++) {
      const x = centred[k]!;
      const o = width * column[k]!;
      for (let q = 0; q < width; q++) t[q]! += x * block[o + q]!;
    }
    if (rowScores !== null) rowScores.set(t, width * r);
    for (let k = from; k < to; k++) {
      const x = centred[k]!;
      const o = width * column[k]!;
      for (let q = 0; q < width; q++) out[o + q]! += x * t[q]!;
    }
  }
}

/**
 * gramTimesBlock without materialised centred values: x_ij − μ_j is looked up per vote in
 * `table` (3 per statement). Slower per product, but saves building the centred array when one
 * product suffices (a warm start).
 */
export function gramTimesBlockFromTable(
  matrix: VoteMatrix,
  table: Float64Array,
  block: Float64Array,
  width: number,
  out: Float64Array,
  rowScores: Float64Array | null,
): void {
  out.fill(0);
  const { rowStart, column, value, rowCount } = matrix;
  const t = new Float64Array(width);
  for (let r = 0; r < rowCount; r++) {
    const from = rowStart[r]!;
    const to = rowStart[r + 1]!;
    if (width === 4) {
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let k = from; k < to; k++) {
        const c = column[k]!;
        const x = table[3 * c + value[k]! + 1]!;
        const o = c << 2;
        t0 += x * block[o]!;
        t1 += x * block[o + 1]!;
        t2 += x * block[o + 2]!;
        t3 += x * block[o + 3]!;
      }
      t[0] = t0;
      t[1] = t1;
      t[2] = t2;
      t[3] = t3;
    } else {
      t.fill(0);
      for (let k = from; k < to; k++) {
        const c = column[k]!;
        const x = table[3 * c + value[k]! + 1]!;
        for (let q = 0; q < width; q++) t[q]! += x * block[width * c + q]!;
      }
    }
    if (rowScores !== null) rowScores.set(t, width * r);
    if (width === 4) {
      const t0 = t[0]!;
      const t1 = t[1]!;
      const t2 = t[2]!;
      const t3 = t[3]!;
      for (let k = from; k < to; k++) {
        const c = column[k]!;
        const x = table[3 * c + value[k]! + 1]!;
        const o = c << 2;
        out[o]! += x * t0;
        out[o + 1]! += x * t1;
        out[o + 2]! += x * t2;
        out[o + 3]! += x * t3;
      }
      continue;
    }
    for (let k = from; k < to; k++) {
      const c = column[k]!;
      const x = table[3 * c + value[k]! + 1]!;
      const o = width * c;
      for (let q = 0; q < width; q++) out[o + q]! += x * t[q]!;
    }
  }
}

/**
 * Orthonormalise the columns of a row-major m × width block in place (modified Gram–Schmidt,
 * twice for stability). Columns that vanish are replaced by seeded random directions restricted
 * to active statements, or left at 0 when the active space is exhausted.
 */
export function orthonormaliseBlock(block: Float64Array, m: number, width: number, active: Uint8Array, random: RandomState): void {
  let activeCount = 0;
  for (let j = 0; j < m; j++) activeCount += active[j]!;
  for (let q = 0; q < width; q++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < q; p++) {
          let dot = 0;
          for (let j = 0; j < m; j++) dot += block[width * j + p]! * block[width * j + q]!;
          for (let j = 0; j < m; j++) block[width * j + q]! -= dot * block[width * j + p]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < m; j++) norm += block[width * j + q]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-10) {
        for (let j = 0; j < m; j++) block[width * j + q]! /= norm;
        break;
      }
      if (q >= activeCount || attempt === 2) {
        for (let j = 0; j < m; j++) block[width * j + q] = 0;
        break;
      }
      for (let j = 0; j < m; j++) block[width * j + q] = active[j] === 1 ? randomUnit(random) - 0.5 : 0;
    }
  }
}

/**
 * Leading two principal components of the centred matrix (rows: every participant; columns:
 * active statements; `table` from centredValueTable). On a warm start the first product reads
 * x − μ through the table (often the only product needed); otherwise the centred values are
 * materialised once (Float32) and reused. `start` is a warm-start basis already mapped onto the current columns
 * (null for a cold start from seeded random vectors).
 */
export function principalComponents(
  matrix: VoteMatrix,
  table: Float64Array,
  active: Uint8Array,
  options: PcaOptions,
  start: PcaBasis | null,
  random: RandomState,
): PcaResult {
  const m = matrix.columnCount;
  const width = Math.max(2, options.width);
  if (start === null && options.coldSampleRows > 0 && matrix.rowCount > 2 * options.coldSampleRows) {
    const sample = rowSampleOf(matrix, Math.ceil(matrix.rowCount / options.coldSampleRows));
    const coarse = principalComponents(sample, table, active, { ...options, coldSampleRows: 0 }, null, random);
    const refined = principalComponents(matrix, table, active, options, coarse.basis, random);
    return { ...refined, iterations: refined.iterations, sampleIterations: coarse.iterations };
  }
  let block = new Float64Array(m * width);
  if (start !== null && start.width === width && start.statementCount === m) {
    block.set(start.vectors);
    for (let j = 0; j < m; j++) if (active[j] === 0) for (let q = 0; q < width; q++) block[width * j + q] = 0;
  } else {
    for (let j = 0; j < m; j++) if (active[j] === 1) for (let q = 0; q < width; q++) block[width * j + q] = randomUnit(random) - 0.5;
  }
  orthonormaliseBlock(block, m, width, active, random);

  let image = new Float64Array(m * width);
  let centred: Float32Array | null = null;
  const blockScores = new Float64Array(matrix.rowCount * width);
  let lastRotation: Float64Array = new Float64Array(width * width);
  const ritz = new Float64Array(m * 2);
  const previousRitz = new Float64Array(m * 2);
  const gram = new Float64Array(width * width);
  let eigenvalues: [number, number] = [0, 0];
  let iterations = 0;
  let converged = false;
  // Warm start: the start block's first two columns span the previous analysis's plane, so a
  // plane that does not move in the first product is already converged (one product, not two).
  let havePrevious = false;
  // …unless a statement is new since then: its row of the start block is zero, the first
  // product cannot look along it, and the plane must move through a real second product.
  let startSeesEveryStatement = start !== null;
  for (let j = 0; startSeesEveryStatement && j < m; j++) {
    if (active[j] !== 1) continue;
    let any = false;
    for (let q = 0; q < width && !any; q++) any = block[width * j + q] !== 0;
    startSeesEveryStatement = any;
  }
  if (start !== null && startSeesEveryStatement) {
    for (let j = 0; j < m; j++) {
      previousRitz[2 * j] = block[width * j]!;
      previousRitz[2 * j + 1] = block[width * j + 1]!;
    }
    havePrevious = true;
  }
  while (iterations < options.maxIterations) {
    if (iterations === 0 && start !== null) gramTimesBlockFromTable(matrix, table, block, width, image, blockScores);
    else {
      centred ??= centredValuesOf(matrix, table);
      gramTimesBlock(matrix, centred, block, width, image, blockScores);
    }
    iterations++;
    // Rayleigh–Ritz: H = Vᵀ (XᵀX V), H = Q Λ Qᵀ; Ritz vectors V Q, next block orth(W Q).
    gram.fill(0);
    for (let j = 0; j < m; j++) {
      const o = width * j;
      for (let p = 0; p < width; p++) {
        const vp = block[o + p]!;
        if (vp === 0) continue;
        for (let q = 0; q < width; q++) gram[p * width + q]! += vp * image[o + q]!;
      }
    }
    for (let p = 0; p < width; p++) {
      for (let q = p + 1; q < width; q++) {
        const s = 0.5 * (gram[p * width + q]! + gram[q * width + p]!);
        gram[p * width + q] = s;
        gram[q * width + p] = s;
      }
    }
    const eigen = symmetricEigen(gram, width);
    lastRotation = eigen.vectors;
    eigenvalues = [Math.max(0, eigen.values[0]!), Math.max(0, eigen.values[1]!)];
    const next = new Float64Array(m * width);
    for (let j = 0; j < m; j++) {
      const o = width * j;
      for (let q = 0; q < width; q++) {
        let vq = 0;
        let wq = 0;
        for (let p = 0; p < width; p++) {
          const qpq = eigen.vectors[p * width + q]!;
          vq += block[o + p]! * qpq;
          wq += image[o + p]! * qpq;
        }
        if (q < 2) ritz[2 * j + q] = vq;
        next[o + q] = wq;
      }
    }
    if (havePrevious && 1 - smallestPrincipalCosine(previousRitz, ritz, m) < options.tolerance) {
      converged = true;
      break;
    }
    previousRitz.set(ritz);
    havePrevious = true;
    orthonormaliseBlock(next, m, width, active, random);
    block = next;
    image = image.length === next.length ? image : new Float64Array(m * width);
  }
  const component1 = new Float64Array(m);
  const component2 = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    component1[j] = ritz[2 * j]!;
    component2[j] = ritz[2 * j + 1]!;
  }
  const norm1 = normalise(component1);
  const norm2 = normalise(component2);
  if (eigenvalues[0] === 0) component1.fill(0);
  if (eigenvalues[1] === 0) component2.fill(0);
  // scores on the Ritz vectors: (x_i·V)·Q, for the block V of the last product
  const rows = matrix.rowCount;
  const rowScores = new Float64Array(2 * rows);
  const scale1 = eigenvalues[0] === 0 || norm1 === 0 ? 0 : 1 / norm1;
  const scale2 = eigenvalues[1] === 0 || norm2 === 0 ? 0 : 1 / norm2;
  for (let r = 0; r < rows; r++) {
    let x = 0;
    let y = 0;
    for (let p = 0; p < width; p++) {
      const t = blockScores[width * r + p]!;
      x += t * lastRotation[p * width]!;
      y += t * lastRotation[p * width + 1]!;
    }
    rowScores[2 * r] = x * scale1;
    rowScores[2 * r + 1] = y * scale2;
  }
  return {
    sampleIterations: 0,
    rowScores,
    component1,
    component2,
    eigenvalues,
    iterations,
    converged,
    basis: { statementCount: m, width, vectors: block },
  };
}

/**
 * Cosine of the largest principal angle between the planes spanned by the two interleaved
 * columns of `a` and of `b` (each m × 2, orthonormal columns): the smallest singular value of aᵀb.
 */
function smallestPrincipalCosine(a: Float64Array, b: Float64Array, m: number): number {
  let c00 = 0;
  let c01 = 0;
  let c10 = 0;
  let c11 = 0;
  let na0 = 0;
  let na1 = 0;
  let nb0 = 0;
  let nb1 = 0;
  for (let j = 0; j < m; j++) {
    const a0 = a[2 * j]!;
    const a1 = a[2 * j + 1]!;
    const b0 = b[2 * j]!;
    const b1 = b[2 * j + 1]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c10 += a1 * b0;
    c11 += a1 * b1;
    na0 += a0 * a0;
    na1 += a1 * a1;
    nb0 += b0 * b0;
    nb1 += b1 * b1;
  }
  if (na0 === 0 || na1 === 0 || nb0 === 0 || nb1 === 0) return 1; // degenerate plane: nothing to refine
  // smallest singular value of the 2×2 matrix C: σ² = (‖C‖²_F − √(‖C‖⁴_F − 4 det²)) / 2
  const frob = c00 * c00 + c01 * c01 + c10 * c10 + c11 * c11;
  const det = c00 * c11 - c01 * c10;
  const disc = Math.max(0, frob * frob - 4 * det * det);
  return Math.sqrt(Math.max(0, (frob - Math.sqrt(disc)) / 2));
}

/** Scale to unit norm in place; returns the norm it had. */
function normalise(vector: Float64Array): number {
  let norm = 0;
  for (let j = 0; j < vector.length; j++) norm += vector[j]! ** 2;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let j = 0; j < vector.length; j++) vector[j]! /= norm;
  return norm;
}

/**
 * Fix the sign of a component deterministically: aligned with `reference` when given and not
 * orthogonal, else so that its largest-magnitude entry (lowest index on ties) is positive.
 */
export function orientComponent(component: Float64Array, reference: Float64Array | null): 1 | -1 {
  let sign = 0;
  if (reference !== null) {
    let dot = 0;
    for (let j = 0; j < component.length; j++) dot += component[j]! * (reference[j] ?? 0);
    if (Math.abs(dot) > 1e-9) sign = Math.sign(dot);
  }
  if (sign === 0) {
    let best = 0;
    for (let j = 0; j < component.length; j++) if (Math.abs(component[j]!) > Math.abs(best)) best = component[j]!;
    sign = best < 0 ? -1 : 1;
  }
  if (sign < 0) for (let j = 0; j < component.length; j++) component[j] = 0 - component[j]!; // 0 − x keeps +0
  return sign < 0 ? -1 : 1;
}

/**
 * Sparsity-aware projection of every participant: p_i = √(m / max(n_i, 1)) · Σ_j (x_ij − μ_j)·(c1_j, c2_j)
 * over the active statements i voted on; m = active statements, n_i = i's votes on them.
 * Returns x, y interleaved (2 per row). The scale pushes sparse voters out from the origin as
 * Pol.is does, so that their few votes weigh like a full ballot.
 */
export function projectParticipants(
  matrix: VoteMatrix,
  centred: Float32Array,
  stats: ColumnStats,
  component1: Float64Array,
  component2: Float64Array,
): Float64Array {
  const { rowStart, column, rowCount } = matrix;
  const projection = new Float64Array(2 * rowCount);
  const m = stats.activeColumnCount;
  for (let r = 0; r < rowCount; r++) {
    let x = 0;
    let y = 0;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const c = column[k]!;
      x += centred[k]! * component1[c]!;
      y += centred[k]! * component2[c]!;
    }
    const scale = Math.sqrt(m / Math.max(stats.rowActiveVotes[r]!, 1));
    projection[2 * r] = x * scale;
    projection[2 * r + 1] = y * scale;
  }
  return projection;
}

/**
 * The same projection from the PCA's row scores (no pass over the votes): p_i = √(m / max(n_i, 1))
 * · (sign1 · score1_i, sign2 · score2_i), with the signs `orientComponent` applied.
 */
export function projectionFromScores(rowScores: Float64Array, stats: ColumnStats, sign1: number, sign2: number): Float64Array {
  const rows = rowScores.length / 2;
  const projection = new Float64Array(2 * rows);
  const m = stats.activeColumnCount;
  for (let r = 0; r < rows; r++) {
    const scale = Math.sqrt(m / Math.max(stats.rowActiveVotes[r]!, 1));
    projection[2 * r] = 0 + sign1 * rowScores[2 * r]! * scale;
    projection[2 * r + 1] = 0 + sign2 * rowScores[2 * r + 1]! * scale;
  }
  return projection;
}

/**
 * Where a statement sits on the map: the projection of a virtual participant who agreed with it
 * alone, √m · (1 − μ_j) · (c1_j, c2_j). Its norm is the statement's extremity (used in priorities).
 */
export function projectStatements(
  stats: ColumnStats,
  component1: Float64Array,
  component2: Float64Array,
): { projection: Float64Array; extremity: Float64Array } {
  const m = stats.mean.length;
  const scale = Math.sqrt(stats.activeColumnCount);
  const projection = new Float64Array(2 * m);
  const extremity = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const lift = scale * (1 - stats.mean[j]!);
    const x = lift * component1[j]!;
    const y = lift * component2[j]!;
    projection[2 * j] = x;
    projection[2 * j + 1] = y;
    extremity[j] = Math.hypot(x, y);
  }
  return { projection, extremity };
}

/**
 * Positions used for clustering: each participant's full-ballot projection estimate
 * F_i = (m / n_i) · Σ_j (x_ij − μ_j)·c_j, shrunk by the credibility weight n_i / (n_i + m·priorBallots),
 * i.e. as if `priorBallots` full ballots of average votes were added to everyone's own. From the
 * display projection p_i (√(m/n_i) scale): q_i = p_i · √(n_i/m) / (n_i/m + priorBallots).
 * Sparse voters sit near the centre in proportion to how little we know about them, instead of
 * being pushed outward as on the map. Interleaved x, y per row.
 */
export function shrunkPositions(projection: Float64Array, stats: ColumnStats, priorBallots: number): Float64Array {
  const rows = projection.length / 2;
  const m = Math.max(stats.activeColumnCount, 1);
  const positions = new Float64Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    const f = stats.rowActiveVotes[r]! / m;
    const factor = f > 0 ? Math.sqrt(f) / (f + priorBallots) : 0;
    positions[2 * r] = projection[2 * r]! * factor;
    positions[2 * r + 1] = projection[2 * r + 1]! * factor;
  }
  return positions;
}
