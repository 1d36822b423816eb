/**
 * Clustering of participants into opinion groups. As in Pol.is, participants are first gathered
 * into many small base clusters (≈100) and the candidate groupings are searched over the base
 * centres, weighted by size, for each k in 2..maxGroups; k is chosen by the silhouette of the
 * base centres. Unlike Pol.is (docs/engine.md):
 * - every search uses seeded k-means++ with several restarts (Pol.is: one "first distinct points"
 *   start, which lands in poor optima), warm starts from the previous analysis being one more
 *   candidate, never the only one;
 * - the best few base-level optima are refined by Lloyd on the participants themselves and the
 *   lowest participant-level inertia wins, so a group is a true k-means optimum over members,
 *   not a union of base clusters.
 */
import type { Clustering } from './kmeans.js';
import { bestKMeans, distinctKMeansOptima, lloydKMeans, nearestCentre, withoutEmptyClusters } from './kmeans.js';
import type { RandomState } from './random.js';
import { distanceMatrix, silhouetteScore } from './silhouette.js';

export interface GroupingOptions {
  /** Base clusters over participants. Pol.is: 100. */
  readonly baseClusterCount: number;
  /** Largest number of groups considered (at least 2). Pol.is: 5. */
  readonly maxGroups: number;
  /** Seeded k-means++ starts per k over the base centres. */
  readonly groupRestarts: number;
  /** Distinct base-level optima refined on the participants, per k. */
  readonly refinedCandidates: number;
  /** Seeded k-means++ starts for the base clusters on a cold analysis. */
  readonly baseRestarts: number;
  /** Lloyd iteration caps. */
  readonly baseIterations: number;
  readonly warmBaseIterations: number;
  readonly groupIterations: number;
  /** Only base-level optima within this fraction of the best inertia are refined. */
  readonly refineInertiaMargin: number;
  /** Lloyd cap when refining a grouping over all participants. */
  readonly refineIterations: number;
  /**
   * Participant-level Lloyd runs (base clusters, refinement) stop once no centre moves more
   * than this fraction of the points' RMS spread (Pol.is: an absolute 0.01).
   */
  readonly shiftTolerance: number;
  /** Weight each base centre by its members in the silhouette (Pol.is: unweighted). */
  readonly silhouetteWeighted: boolean;
}

/** A grouping of the clustered points for one k. */
export interface GroupCandidate {
  readonly k: number;
  /** Group centres, 2 per group. */
  readonly centres: Float64Array;
  /** Group of each point. */
  readonly groupOfPoint: Int32Array;
  /** Participant-level inertia. */
  readonly inertia: number;
  /** Silhouette of the base centres labelled by their nearest group centre. */
  readonly silhouette: number;
}

/** What a previous grouping contributes to a warm start (already mapped to the current points). */
export interface GroupingWarmStart {
  /** Previous base label per current point, −1 for new points. */
  readonly baseLabelOfPoint: Int32Array;
  readonly baseClusterCount: number;
  /** Previous group centres per k. */
  readonly centresByK: ReadonlyMap<number, Float64Array>;
}

/** Largest k considered for `baseCount` base clusters (Pol.is: min(max, 2 + ⌊base/12⌋)). */
export function largestGroupCount(baseCount: number, maxGroups: number): number {
  return Math.min(maxGroups, 2 + Math.floor(baseCount / 12), baseCount);
}

/** Base clusters: warm from the previous members when given, else best of seeded k-means++. */
export function baseClustersOf(
  points: Float64Array,
  options: GroupingOptions,
  random: RandomState,
  warm: GroupingWarmStart | null,
): Clustering {
  const n = points.length / 2;
  const k = Math.min(options.baseClusterCount, n);
  if (n === 0) return { k: 0, centres: new Float64Array(0), labels: new Int32Array(0), inertia: 0, iterations: 0 };
  if (warm !== null && warm.baseClusterCount > 0) {
    const initial = warmBaseCentres(points, warm, k);
    if (initial.length >= 2) {
      return withoutEmptyClusters(lloydKMeans(points, null, initial, options.warmBaseIterations, options.shiftTolerance), null);
    }
  }
  const clustering = bestKMeans(points, null, k, options.baseRestarts, options.baseIterations, random, [], options.shiftTolerance);
  return withoutEmptyClusters(clustering, null);
}

/**
 * Pol.is's "clean start": recompute each previous base centre from its surviving members at
 * their new positions, drop emptied ones, then while fewer than k centres exist, add the point
 * farthest from every centre (lowest index on ties) as a new centre.
 */
function warmBaseCentres(points: Float64Array, warm: GroupingWarmStart, k: number): Float64Array {
  const n = points.length / 2;
  const kb = warm.baseClusterCount;
  const sx = new Float64Array(kb);
  const sy = new Float64Array(kb);
  const count = new Float64Array(kb);
  for (let i = 0; i < n; i++) {
    const b = warm.baseLabelOfPoint[i]!;
    if (b < 0 || b >= kb) continue;
    sx[b]! += points[2 * i]!;
    sy[b]! += points[2 * i + 1]!;
    count[b]!++;
  }
  const centres: number[] = [];
  for (let b = 0; b < kb; b++) if (count[b]! > 0) centres.push(sx[b]! / count[b]!, sy[b]! / count[b]!);
  if (centres.length / 2 < k) {
    const nearest = new Float64Array(n).fill(Infinity);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < centres.length / 2; c++) {
        const d = (points[2 * i]! - centres[2 * c]!) ** 2 + (points[2 * i + 1]! - centres[2 * c + 1]!) ** 2;
        if (d < nearest[i]!) nearest[i] = d;
      }
    }
    while (centres.length / 2 < k) {
      let far = -1;
      let farD = 0;
      for (let i = 0; i < n; i++) {
        if (nearest[i]! > farD) {
          farD = nearest[i]!;
          far = i;
        }
      }
      if (far < 0) break; // every point sits on a centre
      const cx = points[2 * far]!;
      const cy = points[2 * far + 1]!;
      centres.push(cx, cy);
      for (let i = 0; i < n; i++) {
        const d = (points[2 * i]! - cx) ** 2 + (points[2 * i + 1]! - cy) ** 2;
        if (d < nearest[i]!) nearest[i] = d;
      }
    }
  }
  return Float64Array.from(centres);
}

/** Members per base cluster. */
export function baseSizesOf(base: Clustering): Float64Array {
  const sizes = new Float64Array(base.k);
  for (let i = 0; i < base.labels.length; i++) sizes[base.labels[i]!]!++;
  return sizes;
}

/**
 * Candidate groupings for k = 2..kmax and the silhouette of each. For each k: the distinct
 * optima of weighted k-means over the base centres (warm candidate + seeded restarts), the best
 * `refinedCandidates` of them refined by Lloyd over all points, lowest participant-level inertia
 * kept. Returns candidates in k order (possibly empty when fewer than 2 base clusters).
 */
export function groupCandidatesOf(
  points: Float64Array,
  base: Clustering,
  options: GroupingOptions,
  random: RandomState,
  warmCentresByK: ReadonlyMap<number, Float64Array> | null,
): GroupCandidate[] {
  const kmax = largestGroupCount(base.k, Math.max(2, options.maxGroups));
  const candidates: GroupCandidate[] = [];
  if (base.k < 2) return candidates;
  const baseSizes = baseSizesOf(base);
  const distances = distanceMatrix(base.centres);
  for (let k = 2; k <= kmax; k++) {
    const warm = warmCentresByK?.get(k);
    const optima = distinctKMeansOptima(
      base.centres,
      baseSizes,
      k,
      options.groupRestarts,
      options.groupIterations,
      random,
      warm !== undefined ? [warm] : [],
      Math.max(1, options.refinedCandidates),
    );
    let best: Clustering | null = null;
    const bar = optima[0]!.inertia * (1 + options.refineInertiaMargin);
    for (const optimum of optima) {
      if (optimum.inertia > bar) break; // clearly worse over the base centres: not worth refining
      const refined = lloydKMeans(points, null, optimum.centres, options.refineIterations, options.shiftTolerance);
      if (best === null || refined.inertia < best.inertia - 1e-9 * Math.max(1, best.inertia)) best = refined;
    }
    if (best === null) continue;
    const groupOfBase = new Int32Array(base.k);
    for (let b = 0; b < base.k; b++) groupOfBase[b] = nearestCentre(best.centres, base.centres[2 * b]!, base.centres[2 * b + 1]!);
    const silhouette = silhouetteScore(distances, groupOfBase, k, options.silhouetteWeighted ? baseSizes : null);
    candidates.push({ k, centres: best.centres, groupOfPoint: best.labels, inertia: best.inertia, silhouette });
  }
  return candidates;
}

/** The candidate with the highest silhouette (lower k on ties within 1e-12), or null. */
export function bestCandidate(candidates: readonly GroupCandidate[]): GroupCandidate | null {
  let best: GroupCandidate | null = null;
  for (const candidate of candidates) if (best === null || candidate.silhouette > best.silhouette + 1e-12) best = candidate;
  return best;
}
