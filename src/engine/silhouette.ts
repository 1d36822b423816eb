/**
 * Silhouette of a clustering of a few points (base-cluster centres), from their distance matrix.
 * Never run over all participants: with ≤ 100 base centres it costs microseconds (red-dwarf's
 * all-participant silhouette costs over a minute at 100k).
 */

/** Symmetric Euclidean distance matrix (n × n, row-major) of 2-D points. */
export function distanceMatrix(points: Float64Array): Float64Array {
  const n = points.length / 2;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.hypot(points[2 * i]! - points[2 * j]!, points[2 * i + 1]! - points[2 * j + 1]!);
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  return d;
}

/**
 * Mean silhouette (s_i = (b_i − a_i) / max(a_i, b_i); 0 for a point alone in its cluster).
 * With `weights`, a_i and b_i are weighted mean distances and the mean over points is weighted
 * (each base centre stands for its members); without, it is Pol.is's unweighted score.
 * Returns 0 for fewer than two clusters.
 */
export function silhouetteScore(distances: Float64Array, labels: Int32Array, k: number, weights: Float64Array | null): number {
  const n = labels.length;
  if (k < 2) return 0;
  const sum = new Float64Array(k);
  const mass = new Float64Array(k);
  const clusterMass = new Float64Array(k);
  const clusterCount = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    clusterMass[labels[i]!]! += weights === null ? 1 : weights[i]!;
    clusterCount[labels[i]!]!++;
  }
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i]!;
    const wi = weights === null ? 1 : weights[i]!;
    totalWeight += wi;
    if (clusterCount[own]! <= 1) continue; // silhouette 0
    sum.fill(0);
    mass.fill(0);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const w = weights === null ? 1 : weights[j]!;
      sum[labels[j]!]! += w * distances[i * n + j]!;
      mass[labels[j]!]! += w;
    }
    const a = mass[own]! > 0 ? sum[own]! / mass[own]! : 0;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && mass[c]! > 0) b = Math.min(b, sum[c]! / mass[c]!);
    if (!Number.isFinite(b)) continue;
    const denominator = Math.max(a, b);
    if (denominator > 0) total += wi * ((b - a) / denominator);
  }
  return totalWeight > 0 ? total / totalWeight : 0;
}
