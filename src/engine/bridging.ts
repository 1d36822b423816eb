/**
 * Bridging score in the spirit of Community Notes: a one-factor matrix factorisation of the
 * agree (1) / disagree (0) votes, r̂_us = μ + i_u + i_s + f_u·f_s, passes left out. The factor
 * f absorbs agreement explained by the main opinion axis; the statement intercept i_s is the
 * agreement left over, i.e. agreement across the divide. Intercepts are regularised 5× harder than
 * factors (as Community Notes does) so the factor explains partisan agreement first.
 *
 * Fitted by alternating ridge least squares (closed form per participant and per statement,
 * 2×2 systems), deterministic, O(votes) per sweep, warm-startable.
 */
import type { VoteMatrix } from './vote-store.js';

export interface BridgingOptions {
  /** Ridge penalty on intercepts (i_u, i_s, μ) and on factors (f_u, f_s), sum-of-squares loss. */
  readonly interceptPenalty: number;
  readonly factorPenalty: number;
  /** Alternating sweeps on a cold and on a warm start. */
  readonly coldSweeps: number;
  readonly warmSweeps: number;
  /** Fewest agree/disagree votes for a statement to get a score (else NaN). */
  readonly minimumVotes: number;
}

/** Fitted model. Invariant: arrays sized to the matrix (rows, columns). */
export interface BridgingModel {
  readonly globalIntercept: number;
  readonly participantIntercept: Float64Array;
  readonly participantFactor: Float64Array;
  readonly statementIntercept: Float64Array;
  readonly statementFactor: Float64Array;
  readonly sweeps: number;
}

/** The agree/disagree votes on active statements as their own CSR (passes dropped); target 1 = agree. */
interface BinaryVotes {
  readonly rowStart: Int32Array;
  readonly column: Int32Array;
  readonly target: Float32Array;
}

function binaryVotesOf(matrix: VoteMatrix, active: Uint8Array): BinaryVotes {
  const { rowStart, column, value, rowCount } = matrix;
  let count = 0;
  for (let k = 0; k < matrix.cellCount; k++) if (value[k] !== 0 && active[column[k]!] === 1) count++;
  const start = new Int32Array(rowCount + 1);
  const col = new Int32Array(count);
  const target = new Float32Array(count);
  let out = 0;
  for (let r = 0; r < rowCount; r++) {
    start[r] = out;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const v = value[k]!;
      if (v === 0 || active[column[k]!] === 0) continue;
      col[out] = column[k]!;
      target[out] = v > 0 ? 1 : 0;
      out++;
    }
  }
  start[rowCount] = out;
  return { rowStart: start, column: col, target };
}

/**
 * Fit the model. `start` (already mapped to current rows/columns, missing entries 0) warm-starts
 * it; otherwise statement factors start from `initialStatementFactor` (e.g. the first principal
 * component), which fixes the factor's orientation deterministically.
 */
export function fitBridgingModel(
  matrix: VoteMatrix,
  active: Uint8Array,
  options: BridgingOptions,
  start: BridgingModel | null,
  initialStatementFactor: Float64Array,
): BridgingModel {
  const n = matrix.rowCount;
  const m = matrix.columnCount;
  const votes = binaryVotesOf(matrix, active);
  const { rowStart, column, target } = votes;
  const iu = start ? start.participantIntercept.slice() : new Float64Array(n);
  const fu = start ? start.participantFactor.slice() : new Float64Array(n);
  const is = start ? start.statementIntercept.slice() : new Float64Array(m);
  const fs = start ? start.statementFactor.slice() : initialStatementFactor.map((v) => v * Math.sqrt(Math.max(m, 1)));
  let mu = start ? start.globalIntercept : 0.5;
  const li = options.interceptPenalty;
  const lf = options.factorPenalty;
  const sweeps = start ? options.warmSweeps : options.coldSweeps;
  // per statement: vote count and agree count are fixed; the rest is accumulated per sweep
  const count = new Float64Array(m);
  const agreeCount = new Float64Array(m);
  for (let k = 0; k < column.length; k++) {
    count[column[k]!]!++;
    agreeCount[column[k]!]! += target[k]!;
  }
  // interleaved per statement: Σ f_u, Σ f_u², Σ i_u, Σ (t − μ − i_u)·f_u
  const acc = new Float64Array(4 * m);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    // participants, given statements
    for (let r = 0; r < n; r++) {
      const from = rowStart[r]!;
      const to = rowStart[r + 1]!;
      let a01 = 0;
      let a11 = lf;
      let b0 = 0;
      let b1 = 0;
      for (let k = from; k < to; k++) {
        const c = column[k]!;
        const y = target[k]! - mu - is[c]!;
        const f = fs[c]!;
        a01 += f;
        a11 += f * f;
        b0 += y;
        b1 += y * f;
      }
      const a00 = to - from + li;
      const det = a00 * a11 - a01 * a01;
      iu[r] = (a11 * b0 - a01 * b1) / det;
      fu[r] = (a00 * b1 - a01 * b0) / det;
    }
    // statements, given participants
    acc.fill(0);
    for (let r = 0; r < n; r++) {
      const ir = iu[r]!;
      const f = fu[r]!;
      const base = mu + ir;
      for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
        const o = column[k]! << 2;
        acc[o]! += f;
        acc[o + 1]! += f * f;
        acc[o + 2]! += ir;
        acc[o + 3]! += (target[k]! - base) * f;
      }
    }
    let residual = 0;
    let total = 0;
    for (let c = 0; c < m; c++) {
      const nc = count[c]!;
      if (nc === 0) {
        is[c] = 0;
        fs[c] = 0;
        continue;
      }
      const sumF = acc[4 * c]!;
      const y = agreeCount[c]! - nc * mu - acc[4 * c + 2]!; // Σ (t − μ − i_u)
      const yf = acc[4 * c + 3]!;
      const a00 = nc + li;
      const a11 = acc[4 * c + 1]! + lf;
      const det = a00 * a11 - sumF * sumF;
      is[c] = (a11 * y - sumF * yf) / det;
      fs[c] = (a00 * yf - sumF * y) / det;
      // μ given everything else: Σ (t − i_u − i_s − f_u f_s) over this statement's votes
      residual += y + nc * mu - is[c]! * nc - fs[c]! * sumF;
      total += nc;
    }
    mu = residual / (total + li);
  }
  return { globalIntercept: mu, participantIntercept: iu, participantFactor: fu, statementIntercept: is, statementFactor: fs, sweeps };
}

/** Statement bridging scores: the intercept, NaN for inactive statements or under `minimumVotes` agree/disagree votes. */
export function bridgingScoresOf(
  model: BridgingModel,
  agree: Int32Array,
  disagree: Int32Array,
  active: Uint8Array,
  minimumVotes: number,
): Float64Array {
  const scores = new Float64Array(model.statementIntercept.length);
  for (let j = 0; j < scores.length; j++) {
    scores[j] = active[j] === 1 && agree[j]! + disagree[j]! >= minimumVotes ? model.statementIntercept[j]! : NaN;
  }
  return scores;
}
