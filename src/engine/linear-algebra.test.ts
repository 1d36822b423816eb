import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './small-linear-algebra.js';

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A v = λ v, eigenvalues descending', () => {
    const a = Float64Array.from([4, 1, 2, 0.5, 1, 3, 0, 1, 2, 0, 5, 1, 0.5, 1, 1, 2]);
    const { values, vectors } = symmetricEigen(a, 4);
    for (let q = 0; q < 4; q++) {
      if (q > 0) expect(values[q]!).toBeLessThanOrEqual(values[q - 1]!);
      for (let i = 0; i < 4; i++) {
        let av = 0;
        for (let j = 0; j < 4; j++) av += a[i * 4 + j]! * vectors[j * 4 + q]!;
        expect(av).toBeCloseTo(values[q]! * vectors[i * 4 + q]!, 10);
      }
    }
  });
});
