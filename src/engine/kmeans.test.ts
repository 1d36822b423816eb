import { describe, expect, it } from 'vitest';
import { bestKMeans, lloydKMeans, seedCentresPlusPlus } from './kmeans.js';
import { randomStateFromSeed, randomUnit } from './random.js';
import { distanceMatrix, silhouetteScore } from './silhouette.js';

function plainLloyd(points: Float64Array, initial: Float64Array, iterations: number): Int32Array {
  const n = points.length / 2;
  const k = initial.length / 2;
  const centres = initial.slice();
  const labels = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = (points[2 * i]! - centres[2 * c]!) ** 2 + (points[2 * i + 1]! - centres[2 * c + 1]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      labels[i] = best;
    }
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      sx[labels[i]!]! += points[2 * i]!;
      sy[labels[i]!]! += points[2 * i + 1]!;
      count[labels[i]!]!++;
    }
    for (let c = 0; c < k; c++) {
      if (count[c]! > 0) {
        centres[2 * c] = sx[c]! / count[c]!;
        centres[2 * c + 1] = sy[c]! / count[c]!;
      }
    }
  }
  return labels;
}

function blobs(seed: number, perBlob: number): Float64Array {
  const random = randomStateFromSeed(seed);
  const centres = [
    [0, 0],
    [5, 1],
    [2, 6],
  ];
  const points: number[] = [];
  for (const [cx, cy] of centres) {
    for (let i = 0; i < perBlob; i++) points.push(cx! + 2 * (randomUnit(random) - 0.5) * 2, cy! + 2 * (randomUnit(random) - 0.5) * 2);
  }
  return Float64Array.from(points);
}

describe('k-means', () => {
  it('gives the same labels as plain Lloyd (Hamerly bounds only skip work)', () => {
    const points = blobs(4, 200);
    const initial = seedCentresPlusPlus(points, null, 12, randomStateFromSeed(9));
    const fast = lloydKMeans(points, null, initial, 200);
    const plain = plainLloyd(points, initial, fast.iterations + 5);
    expect(Array.from(fast.labels)).toEqual(Array.from(plain));
  });

  it('recovers well separated blobs and is deterministic for a seed', () => {
    const points = blobs(1, 100);
    const a = bestKMeans(points, null, 3, 5, 100, randomStateFromSeed(2));
    const b = bestKMeans(points, null, 3, 5, 100, randomStateFromSeed(2));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const first = [a.labels[0], a.labels[100], a.labels[200]];
    expect(new Set(first).size).toBe(3);
    for (let i = 0; i < 300; i++) expect(a.labels[i]).toBe(first[Math.floor(i / 100)]);
  });

  it('scores the true k highest by silhouette', () => {
    const points = blobs(3, 60);
    const distances = distanceMatrix(points);
    const scores = [2, 3, 4].map((k) => {
      const c = bestKMeans(points, null, k, 5, 100, randomStateFromSeed(k));
      return silhouetteScore(distances, c.labels, k, null);
    });
    expect(Math.max(...scores)).toBe(scores[1]);
  });
});
