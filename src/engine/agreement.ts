/**
 * Agreement between two partitions of the same items.
 */

/**
 * Adjusted Rand index (Hubert & Arabie) of two labelings of equal length: 1 for identical
 * partitions, about 0 for independent ones. Labels are any integers. Returns 1 when both
 * partitions are trivial (the index is undefined there).
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError('labelings differ in length');
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  const joint = new Map<string, number>();
  const rowSum = new Map<number, number>();
  const columnSum = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]!}|${b[i]!}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    rowSum.set(a[i]!, (rowSum.get(a[i]!) ?? 0) + 1);
    columnSum.set(b[i]!, (columnSum.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const v of joint.values()) index += pairs(v);
  let sumA = 0;
  for (const v of rowSum.values()) sumA += pairs(v);
  let sumB = 0;
  for (const v of columnSum.values()) sumB += pairs(v);
  const expected = n > 1 ? (sumA * sumB) / pairs(n) : 0;
  const maximum = (sumA + sumB) / 2;
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}
