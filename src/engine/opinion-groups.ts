/**
 * Clustering of participants into opinion groups. As in Pol.is, participants are first gathered
 * into many small base clusters (≈100) and the candidate groupings are searched over the base
 * centres, weighted by size, for each k in 2..maxGroups; k is chosen by the silhouette of the
 * base centres. Unlike Pol.is (docs/engine.md):
 * - every search uses seeded k-means++ with several restarts (Pol.is: one "first distinct points"
 *   start, which lands in poor optima), warm starts from the previous analysis being one more
 *   candidate, never the only one;
 * - for the chosen k, the best few base-level optima are refined by Lloyd on the participants
 *   themselves and the lowest participant-level inertia wins, so a group is a k-means optimum
 *   over members, not a union of base clusters.
 */
import type { Clustering } from './kmeans.js';
import { distinctKMeansOptima, lloydKMeans, seedCentresPlusPlus, withoutEmptyClusters } from './kmeans.js';
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
  /** Base-cluster seeding looks at no more than about this many points (a strided sample). */
  readonly seedingSample: number;
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

/** A grouping of the clustered points for one k, refined over the participants. */
export interface GroupCandidate {
  readonly k: number;
  /** Group centres, 2 per group. */
  readonly centres: Float64Array;
  /** Group of each point. */
  readonly groupOfPoint: Int32Array;
  /** Participant-level inertia. */
  readonly inertia: number;
  /** Silhouette of the base centres under the base-level grouping it was refined from. */
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
export function baseClustersOf(points: Float64Array, options: GroupingOptions, random: RandomState, warm: GroupingWarmStart | null): Clustering {
  const n = points.length / 2;
  const k = Math.min(options.baseClusterCount, n);
  if (n === 0) return { k: 0, centres: new Float64Array(0), labels: new Int32Array(0), inertia: 0, iterations: 0 };
  if (warm !== null && warm.baseClusterCount > 0) {
    const initial = warmBaseCentres(points, warm, k);
    if (initial.length >= 2) {
      return withoutEmptyClusters(lloydKMeans(points, null, initial, options.warmBaseIterations, options.shiftTolerance), null);
    }
  }
  // k-means++ seeding over a strided sample (deterministic) keeps seeding O(sample · k)
  const stride = Math.max(1, Math.ceil(n / Math.max(k, options.seedingSample)));
  const sample = stride === 1 ? points : stridedSample(points, stride);
  let best: Clustering | null = null;
  for (let r = 0; r < Math.max(1, options.baseRestarts); r++) {
    const run = lloydKMeans(points, null, seedCentresPlusPlus(sample, null, k, random), options.baseIterations, options.shiftTolerance);
    if (best === null || run.inertia < best.inertia) best = run;
  }
  return withoutEmptyClusters(best!, null);
}

/** Every `stride`-th point. */
function stridedSample(points: Float64Array, stride: number): Float64Array {
  const n = points.length / 2;
  const out = new Float64Array(2 * Math.ceil(n / stride));
  for (let i = 0, o = 0; i < n; i += stride, o++) {
    out[2 * o] = points[2 * i]!;
    out[2 * o + 1] = points[2 * i + 1]!;
  }
  return out;
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

/** The base-level grouping for one k: distinct optima of weighted k-means over the base centres. */
export interface BaseGrouping {
  readonly k: number;
  /** Distinct optima, lowest weighted inertia first. */
  readonly optima: readonly Clustering[];
  /** Silhouette of the base centres under the best optimum. */
  readonly silhouette: number;
}

/**
 * For k = 2..kmax: the distinct optima of weighted k-means over the base centres (warm candidate
 * plus seeded restarts) and the silhouette of the best one on the base centres (Pol.is's choice
 * of k). Cheap: ≤ 100 weighted points.
 */
export function baseGroupingsOf(
  base: Clustering,
  options: GroupingOptions,
  random: RandomState,
  warmCentresByK: ReadonlyMap<number, Float64Array> | null,
): BaseGrouping[] {
  const kmax = largestGroupCount(base.k, Math.max(2, options.maxGroups));
  const groupings: BaseGrouping[] = [];
  if (base.k < 2) return groupings;
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
    if (optima.length === 0) continue;
    const silhouette = silhouetteScore(distances, optima[0]!.labels, k, options.silhouetteWeighted ? baseSizes : null);
    groupings.push({ k, optima, silhouette });
  }
  return groupings;
}

/**
 * Refine a base-level grouping over the participants themselves: Lloyd from each optimum within
 * `refineInertiaMargin` of the best, lowest participant-level inertia kept (earlier on ties).
 */
export function refinedGroupingOf(points: Float64Array, grouping: BaseGrouping, options: GroupingOptions): GroupCandidate {
  let best: Clustering | null = null;
  const bar = grouping.optima[0]!.inertia * (1 + options.refineInertiaMargin);
  for (const optimum of grouping.optima) {
    if (optimum.inertia > bar) break; // clearly worse over the base centres: not worth refining
    const refined = lloydKMeans(points, null, optimum.centres, options.refineIterations, options.shiftTolerance);
    if (best === null || refined.inertia < best.inertia - 1e-9 * Math.max(1, best.inertia)) best = refined;
  }
  return { k: grouping.k, centres: best!.centres, groupOfPoint: best!.labels, inertia: best!.inertia, silhouette: grouping.silhouette };
}

/** The grouping with the highest silhouette (lower k on ties within 1e-12), or null. */
export function bestGrouping(groupings: readonly BaseGrouping[]): BaseGrouping | null {
  let best: BaseGrouping | null = null;
  for (const grouping of groupings) if (best === null || grouping.silhouette > best.silhouette + 1e-12) best = grouping;
  return best;
}
