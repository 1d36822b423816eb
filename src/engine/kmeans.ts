/**
 * Weighted k-means on 2-D points (x, y interleaved), deterministic: seeded k-means++ seeding,
 * Lloyd iterations with Hamerly's bounds (most points skip the distance scan once centres settle),
 * ties broken towards the lower centre index.
 */
import type { RandomState } from './random.js';
import { randomUnit } from './random.js';

/**
 * A clustering of n points into k clusters.
 * Invariants: `labels[i]` ∈ [0, k); `centres` holds k (x, y) pairs; a centre is the weighted mean
 * of its members (clusters are never empty unless there are fewer distinct points than k).
 */
export interface Clustering {
  readonly k: number;
  readonly centres: Float64Array;
  readonly labels: Int32Array;
  /** Weighted within-cluster sum of squared distances. */
  readonly inertia: number;
  readonly iterations: number;
}

/** Weight of point i (1 when no weights are given). */
function weightOf(weights: Float64Array | null, i: number): number {
  return weights === null ? 1 : weights[i]!;
}

/**
 * k-means++ seeding (D² sampling, weighted), seeded. Picks min(k, distinct points) centres;
 * returns the centres found (2 per centre).
 */
export function seedCentresPlusPlus(points: Float64Array, weights: Float64Array | null, k: number, random: RandomState): Float64Array {
  const n = points.length / 2;
  if (n === 0 || k === 0) return new Float64Array(0);
  const centres: number[] = [];
  const nearest = new Float64Array(n).fill(Infinity);
  let total = 0;
  for (let i = 0; i < n; i++) total += weightOf(weights, i);
  // first centre: weighted uniform
  let target = randomUnit(random) * total;
  let first = n - 1;
  for (let i = 0; i < n; i++) {
    target -= weightOf(weights, i);
    if (target < 0) {
      first = i;
      break;
    }
  }
  centres.push(points[2 * first]!, points[2 * first + 1]!);
  while (centres.length / 2 < k) {
    const cx = centres[centres.length - 2]!;
    const cy = centres[centres.length - 1]!;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const dx = points[2 * i]! - cx;
      const dy = points[2 * i + 1]! - cy;
      const d = dx * dx + dy * dy;
      if (d < nearest[i]!) nearest[i] = d;
      sum += nearest[i]! * weightOf(weights, i);
    }
    if (!(sum > 0)) break; // every point coincides with a centre
    target = randomUnit(random) * sum;
    let pick = -1;
    for (let i = 0; i < n; i++) {
      const mass = nearest[i]! * weightOf(weights, i);
      if (mass <= 0) continue;
      target -= mass;
      pick = i;
      if (target < 0) break;
    }
    if (pick < 0) break;
    centres.push(points[2 * pick]!, points[2 * pick + 1]!);
  }
  return Float64Array.from(centres);
}

/** Index of the nearest centre to point (x, y), lowest index on ties. */
export function nearestCentre(centres: Float64Array, x: number, y: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centres.length / 2; c++) {
    const dx = x - centres[2 * c]!;
    const dy = y - centres[2 * c + 1]!;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * Lloyd's algorithm from `initial` centres (not modified), until no label changes, no centre
 * moves more than `shiftTolerance` × the points' RMS spread, or `maxIterations` assignment
 * steps. Uses Hamerly's upper/lower bounds to skip distance scans; results equal plain Lloyd's.
 * Empty clusters keep their previous centre (callers may drop them).
 */
export function lloydKMeans(points: Float64Array, weights: Float64Array | null, initial: Float64Array, maxIterations: number, shiftTolerance = 0): Clustering {
  const n = points.length / 2;
  const k = initial.length / 2;
  const centres = initial.slice();
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sumX = new Float64Array(k);
  const sumY = new Float64Array(k);
  const mass = new Float64Array(k);
  const moved = new Float64Array(k);
  const halfGap = new Float64Array(k);
  // initial full assignment with exact bounds
  for (let i = 0; i < n; i++) assignFull(points, centres, i, labels, upper, lower);
  const minimumShift = shiftTolerance > 0 ? shiftTolerance * rmsSpread(points) : 0;
  let iterations = 1;
  for (; iterations <= maxIterations; iterations++) {
    // update centres
    sumX.fill(0);
    sumY.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const w = weightOf(weights, i);
      const c = labels[i]!;
      sumX[c]! += w * points[2 * i]!;
      sumY[c]! += w * points[2 * i + 1]!;
      mass[c]! += w;
    }
    let maxMove = 0;
    let secondMove = 0;
    let maxMover = -1;
    for (let c = 0; c < k; c++) {
      if (mass[c]! > 0) {
        const nx = sumX[c]! / mass[c]!;
        const ny = sumY[c]! / mass[c]!;
        moved[c] = Math.hypot(nx - centres[2 * c]!, ny - centres[2 * c + 1]!);
        centres[2 * c] = nx;
        centres[2 * c + 1] = ny;
      } else moved[c] = 0;
      if (moved[c]! > maxMove) {
        secondMove = maxMove;
        maxMove = moved[c]!;
        maxMover = c;
      } else if (moved[c]! > secondMove) secondMove = moved[c]!;
    }
    if (iterations === maxIterations || maxMove <= minimumShift) break;
    // half distance from each centre to its nearest other centre
    for (let c = 0; c < k; c++) {
      let best = Infinity;
      for (let d = 0; d < k; d++) {
        if (d === c) continue;
        const dist = Math.hypot(centres[2 * c]! - centres[2 * d]!, centres[2 * c + 1]! - centres[2 * d + 1]!);
        if (dist < best) best = dist;
      }
      halfGap[c] = best / 2;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      upper[i]! += moved[a]!;
      lower[i]! -= a === maxMover ? secondMove : maxMove;
      const bound = Math.max(halfGap[a]!, lower[i]!);
      if (upper[i]! < bound) continue;
      // tighten the upper bound
      const dx = points[2 * i]! - centres[2 * a]!;
      const dy = points[2 * i + 1]! - centres[2 * a + 1]!;
      upper[i] = Math.sqrt(dx * dx + dy * dy);
      if (upper[i]! < bound) continue;
      assignFull(points, centres, i, labels, upper, lower);
      if (labels[i] !== a) changed++;
    }
    if (changed === 0) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    const dx = points[2 * i]! - centres[2 * c]!;
    const dy = points[2 * i + 1]! - centres[2 * c + 1]!;
    inertia += weightOf(weights, i) * (dx * dx + dy * dy);
  }
  return { k, centres, labels, inertia, iterations: Math.min(iterations, maxIterations) };
}

/** Root mean square distance of the points from their mean. */
function rmsSpread(points: Float64Array): number {
  const n = points.length / 2;
  if (n === 0) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += points[2 * i]!;
    sy += points[2 * i + 1]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (points[2 * i]! - mx) ** 2 + (points[2 * i + 1]! - my) ** 2;
  return Math.sqrt(ss / n);
}

function assignFull(points: Float64Array, centres: Float64Array, i: number, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const x = points[2 * i]!;
  const y = points[2 * i + 1]!;
  let best = 0;
  let bestD = Infinity;
  let secondD = Infinity;
  const k = centres.length / 2;
  for (let c = 0; c < k; c++) {
    const dx = x - centres[2 * c]!;
    const dy = y - centres[2 * c + 1]!;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      secondD = bestD;
      bestD = d;
      best = c;
    } else if (d < secondD) secondD = d;
  }
  labels[i] = best;
  upper[i] = Math.sqrt(bestD);
  lower[i] = Math.sqrt(secondD);
}

/**
 * Drop empty clusters and renumber labels densely, keeping the order of the surviving centres.
 * Returns the clustering unchanged when none is empty.
 */
export function withoutEmptyClusters(clustering: Clustering, weights: Float64Array | null): Clustering {
  const mass = new Float64Array(clustering.k);
  for (let i = 0; i < clustering.labels.length; i++) mass[clustering.labels[i]!]! += weightOf(weights, i);
  const remap = new Int32Array(clustering.k).fill(-1);
  let kept = 0;
  for (let c = 0; c < clustering.k; c++) if (mass[c]! > 0) remap[c] = kept++;
  if (kept === clustering.k) return clustering;
  const centres = new Float64Array(2 * kept);
  for (let c = 0; c < clustering.k; c++) {
    const to = remap[c]!;
    if (to < 0) continue;
    centres[2 * to] = clustering.centres[2 * c]!;
    centres[2 * to + 1] = clustering.centres[2 * c + 1]!;
  }
  const labels = clustering.labels.map((c) => remap[c]!);
  return { ...clustering, k: kept, centres, labels };
}

/**
 * The distinct local optima found from the warm candidates and `restarts` seeded k-means++
 * starts, best (lowest inertia) first, at most `keep` of them. Two runs are the same optimum when
 * their labels are identical. Deterministic for a given random state.
 */
export function distinctKMeansOptima(
  points: Float64Array,
  weights: Float64Array | null,
  k: number,
  restarts: number,
  maxIterations: number,
  random: RandomState,
  warmCandidates: readonly Float64Array[],
  keep: number,
): Clustering[] {
  const found: Clustering[] = [];
  const consider = (initial: Float64Array): void => {
    if (initial.length / 2 < k) return;
    const run = lloydKMeans(points, weights, initial, maxIterations);
    for (const other of found) if (sameLabels(other.labels, run.labels)) return;
    found.push(run);
  };
  for (const warm of warmCandidates) consider(warm);
  for (let r = 0; r < restarts; r++) consider(seedCentresPlusPlus(points, weights, k, random));
  // stable sort: lower inertia first, earlier-found first on ties
  return found
    .map((clustering, index) => ({ clustering, index }))
    .sort((a, b) => a.clustering.inertia - b.clustering.inertia || a.index - b.index)
    .slice(0, keep)
    .map((entry) => entry.clustering);
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Best of several seeded k-means++ runs (plus optional warm candidates): lowest weighted
 * inertia, earlier candidate on ties. Deterministic for a given random state.
 */
export function bestKMeans(
  points: Float64Array,
  weights: Float64Array | null,
  k: number,
  restarts: number,
  maxIterations: number,
  random: RandomState,
  warmCandidates: readonly Float64Array[] = [],
  shiftTolerance = 0,
): Clustering {
  let best: Clustering | null = null;
  const consider = (initial: Float64Array): void => {
    if (initial.length / 2 < 1) return;
    const run = lloydKMeans(points, weights, initial, maxIterations, shiftTolerance);
    if (best === null || run.inertia < best.inertia - 1e-12 * Math.max(1, best.inertia)) best = run;
  };
  for (const warm of warmCandidates) if (warm.length === 2 * k) consider(warm);
  for (let r = 0; r < restarts; r++) consider(seedCentresPlusPlus(points, weights, k, random));
  if (best === null) return { k: 0, centres: new Float64Array(0), labels: new Int32Array(points.length / 2), inertia: 0, iterations: 0 };
  return best;
}
