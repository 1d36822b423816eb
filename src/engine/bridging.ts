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
import { rowSampleOf } from './vote-store.js';

export interface BridgingOptions {
  /** Ridge penalty on intercepts (i_u, i_s, μ) and on factors (f_u, f_s), sum-of-squares loss. */
  readonly interceptPenalty: number;
  readonly factorPenalty: number;
  /** Alternating sweeps on a cold and on a warm start. */
  readonly coldSweeps: number;
  readonly warmSweeps: number;
  /** Fewest agree/disagree votes for a statement to get a score (else NaN). */
  readonly minimumVotes: number;
  /**
   * Cold starts on more rows than this first fit `coldSweeps` on a strided sample of about this
   * many rows, then run `sampledRefineSweeps` over all rows from the sample's statement
   * parameters. 0 disables.
   */
  readonly coldSampleRows: number;
  readonly sampledRefineSweeps: number;
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

/**
 * Fit the model (`agree`/`disagree`: votes per statement, e.g. from ColumnStats). `start` (already mapped to current rows/columns, missing entries 0) warm-starts
 * it; otherwise statement factors start from `initialStatementFactor` (e.g. the first principal
 * component), which fixes the factor's orientation deterministically.
 */
export function fitBridgingModel(
  matrix: VoteMatrix,
  active: Uint8Array,
  agree: Int32Array,
  disagree: Int32Array,
  options: BridgingOptions,
  start: BridgingModel | null,
  initialStatementFactor: Float64Array,
): BridgingModel {
  const n = matrix.rowCount;
  const m = matrix.columnCount;
  if (start === null && options.coldSampleRows > 0 && n > 2 * options.coldSampleRows) {
    const sample = rowSampleOf(matrix, Math.ceil(n / options.coldSampleRows));
    const coarse = fitBridgingModel(sample, active, agree, disagree, { ...options, coldSampleRows: 0 }, null, initialStatementFactor);
    const seeded: BridgingModel = {
      ...coarse,
      participantIntercept: new Float64Array(n),
      participantFactor: new Float64Array(n),
    };
    const refined = fitBridgingModel(matrix, active, agree, disagree, { ...options, warmSweeps: options.sampledRefineSweeps }, seeded, initialStatementFactor);
    return { ...refined, sweeps: coarse.sweeps + refined.sweeps };
  }
  // 1 for an agree/disagree vote on an active statement, 0 for passes and inactive statements
  const weight = new Float64Array(3 * m);
  // weight × target (1 for agree), at the same index 3·column + vote + 1
  const agreed = new Float64Array(3 * m);
  for (let c = 0; c < m; c++) {
    weight[3 * c] = active[c]!;
    weight[3 * c + 2] = active[c]!;
    agreed[3 * c + 2] = active[c]!;
  }
  const iu = start ? start.participantIntercept.slice() : new Float64Array(n);
  const fu = start ? start.participantFactor.slice() : new Float64Array(n);
  const fs = start ? start.statementFactor.slice() : initialStatementFactor.map((v) => v * Math.sqrt(Math.max(m, 1)));
  // cold start: μ = overall agree rate, i_s = the statement's (smoothed) agree rate minus μ
  let agreeTotal = 0;
  let voteTotal = 0;
  for (let c = 0; c < m; c++) {
    if (active[c] === 0) continue;
    agreeTotal += agree[c]!;
    voteTotal += agree[c]! + disagree[c]!;
  }
  let mu = start ? start.globalIntercept : voteTotal > 0 ? agreeTotal / voteTotal : 0.5;
  const is = start
    ? start.statementIntercept.slice()
    : Float64Array.from({ length: m }, (_, c) => (active[c] === 1 ? (agree[c]! + mu) / (agree[c]! + disagree[c]! + 1) - mu : 0));
  const li = options.interceptPenalty;
  const lf = options.factorPenalty;
  const sweeps = start ? options.warmSweeps : options.coldSweeps;
  // per statement: vote count and agree count are fixed; the rest is accumulated per sweep
  const count = new Float64Array(m);
  const agreeCount = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    if (active[c] === 0) continue;
    count[c] = agree[c]! + disagree[c]!;
    agreeCount[c] = agree[c]!;
  }
  // per statement, interleaved: Σ f_u, Σ f_u², Σ i_u, Σ (t − μ − i_u)·f_u
  const acc = new Float64Array(4 * m);
  const tables = { weight, agreed };
  for (let sweep = 0; sweep < sweeps; sweep++) {
    sweepParticipants(matrix, tables, mu, is, fs, li, lf, iu, fu, acc);
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

interface VoteTables {
  /** 1 for an agree/disagree vote on an active statement, at 3·column + vote + 1. */
  readonly weight: Float64Array;
  /** weight × (1 for agree). */
  readonly agreed: Float64Array;
}

/**
 * One pass over the votes: each participant's ridge update of (i_u, f_u) given the statements,
 * then, while the row is in cache, its votes' contribution to the statements' normal equations
 * with the participant's new values (interleaved per statement in `acc`: Σ f_u, Σ f_u², Σ i_u,
 * Σ (t − μ − i_u)·f_u). Same result as two passes: statements change only after all participants.
 */
function sweepParticipants(
  matrix: VoteMatrix,
  tables: VoteTables,
  mu: number,
  is: Float64Array,
  fs: Float64Array,
  li: number,
  lf: number,
  iu: Float64Array,
  fu: Float64Array,
  acc: Float64Array,
): void {
  const { rowStart, column, value, rowCount } = matrix;
  const { weight, agreed } = tables;
  acc.fill(0);
  for (let r = 0; r < rowCount; r++) {
    const from = rowStart[r]!;
    const to = rowStart[r + 1]!;
    let a00 = li;
    let a01 = 0;
    let a11 = lf;
    let b0 = 0;
    let b1 = 0;
    for (let k = from; k < to; k++) {
      const c = column[k]!;
      const code = 3 * c + value[k]! + 1;
      const w = weight[code]!;
      const f = w * fs[c]!;
      const y = agreed[code]! - w * (mu + is[c]!);
      a00 += w;
      a01 += f;
      a11 += f * f;
      b0 += y;
      b1 += y * f;
    }
    const det = a00 * a11 - a01 * a01;
    const ir = (a11 * b0 - a01 * b1) / det;
    const fr = (a00 * b1 - a01 * b0) / det;
    iu[r] = ir;
    fu[r] = fr;
    const base = mu + ir;
    const frSquared = fr * fr;
    for (let k = from; k < to; k++) {
      const c = column[k]!;
      const code = 3 * c + value[k]! + 1;
      const w = weight[code]!;
      const o = c << 2;
      acc[o]! += w * fr;
      acc[o + 1]! += w * frSquared;
      acc[o + 2]! += w * ir;
      acc[o + 3]! += (agreed[code]! - w * base) * fr;
    }
  }
}

/** Statement bridging scores: the intercept, NaN for inactive statements or under `minimumVotes` agree/disagree votes. */
export function bridgingScoresOf(model: BridgingModel, agree: Int32Array, disagree: Int32Array, active: Uint8Array, minimumVotes: number): Float64Array {
  const scores = new Float64Array(model.statementIntercept.length);
  for (let j = 0; j < scores.length; j++) {
    scores[j] = active[j] === 1 && agree[j]! + disagree[j]! >= minimumVotes ? model.statementIntercept[j]! : NaN;
  }
  return scores;
}
