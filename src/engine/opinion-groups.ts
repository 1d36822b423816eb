/**
 * Clustering of participants into opinion groups, in two levels as Pol.is does: many small
 * "base clusters" over the participants' 2-D positions, then a weighted k-means over the base
 * centres for each k in 2..maxGroups, keeping the k with the best silhouette on the base centres.
 *
 * Where we differ from Pol.is (docs/engine.md): seeded k-means++ with several restarts and the
 * lowest inertia wins (Pol.is: a single "first distinct points" start, which lands in poor optima),
 * Lloyd runs to convergence, and warm starts from the previous analysis are candidates, not the
 * only start.
 */
import type { Clustering } from './kmeans.js';
import { bestKMeans, lloydKMeans, nearestCentre, seedCentresPlusPlus, withoutEmptyClusters } from './kmeans.js';
import type { RandomState } from './random.js';
import { distanceMatrix, silhouetteScore } from './silhouette.js';

export interface GroupingOptions {
  /** Base clusters over participants. Pol.is: 100. */
  readonly baseClusterCount: number;
  /** Largest number of groups considered (at least 2). Pol.is: 5. */
  readonly maxGroups: number;
  /** Seeded k-means++ starts per k at the group level. */
  readonly groupRestarts: number;
  /** Seeded k-means++ starts for the base clusters on a cold analysis. */
  readonly baseRestarts: number;
  /** Lloyd iteration caps. */
  readonly baseIterations: number;
  readonly warmBaseIterations: number;
  readonly groupIterations: number;
  /** Weight each base centre by its members in the silhouette (Pol.is: unweighted). */
  readonly silhouetteWeighted: boolean;
}

/** Clustering of the clustered participants (`points` in their order) into groups. */
export interface Grouping {
  /** Base clusters: centres, and base label per point. */
  readonly base: Clustering;
  /** Base cluster sizes (members). */
  readonly baseSizes: Float64Array;
  /** Group of each base cluster. */
  readonly groupOfBase: Int32Array;
  /** Group of each point. */
  readonly groupOfPoint: Int32Array;
  readonly k: number;
  /** Group centres (weighted means of their base centres), 2 per group. */
  readonly groupCentres: Float64Array;
  /** Silhouette per candidate k (index k − 2). */
  readonly silhouettes: Float64Array;
  /** Chosen clustering of the base centres for every candidate k, for warm starts. */
  readonly centresByK: ReadonlyMap<number, Float64Array>;
}

/** What a previous grouping contributes to a warm start (already mapped to the current points). */
export interface GroupingWarmStart {
  /** Previous base label per current point, −1 for new points. */
  readonly baseLabelOfPoint: Int32Array;
  readonly baseClusterCount: number;
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
      return withoutEmptyClusters(lloydKMeans(points, null, initial, options.warmBaseIterations), null);
    }
  }
  const clustering = bestKMeans(points, null, k, options.baseRestarts, options.baseIterations, random);
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
      for (let i = 0; i < n; i++) if (nearest[i]! > farD) {
        farD = nearest[i]!;
        far = i;
      }
      if (far < 0) break; // all points sit on centres
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

/**
 * Group the base clusters: for each k, best of the warm candidate and `groupRestarts` seeded
 * k-means++ runs (weighted by base size); pick the k with the highest silhouette on the base
 * centres (lower k on ties). `forcedK` (from the k-smoother) overrides the choice when available.
 */
export function groupBaseClusters(
  base: Clustering,
  baseSizes: Float64Array,
  options: GroupingOptions,
  random: RandomState,
  warmCentresByK: ReadonlyMap<number, Float64Array> | null,
): { byK: Map<number, Clustering>; silhouettes: Float64Array; bestK: number } {
  const kmax = largestGroupCount(base.k, Math.max(2, options.maxGroups));
  const byK = new Map<number, Clustering>();
  const silhouettes = new Float64Array(Math.max(0, kmax - 1));
  if (base.k < 2) return { byK, silhouettes, bestK: base.k };
  const distances = distanceMatrix(base.centres);
  let bestK = 2;
  let bestScore = -Infinity;
  for (let k = 2; k <= kmax; k++) {
    const warm = warmCentresByK?.get(k);
    const clustering = bestKMeans(base.centres, baseSizes, k, options.groupRestarts, options.groupIterations, random, warm ? [warm] : []);
    byK.set(k, clustering);
    const score = silhouetteScore(distances, clustering.labels, clustering.k, options.silhouetteWeighted ? baseSizes : null);
    silhouettes[k - 2] = score;
    if (score > bestScore + 1e-12) {
      bestScore = score;
      bestK = k;
    }
  }
  return { byK, silhouettes, bestK };
}

/** Members' sizes per base cluster. */
export function baseSizesOf(base: Clustering): Float64Array {
  const sizes = new Float64Array(base.k);
  for (let i = 0; i < base.labels.length; i++) sizes[base.labels[i]!]!++;
  return sizes;
}

export { nearestCentre, seedCentresPlusPlus };
