/**
 * The proportion tests of Pol.is (repness.clj, stats.clj), with its pseudo-counts: a Beta(1, 1)
 * prior on every rate and +1 on each count in the tests, so tiny samples never divide by zero.
 */

/** One-sided 90 % z threshold, Pol.is's significance level. */
export const Z_90 = 1.2816;

/** One-proportion z of `successes` out of `trials` against ½: 2·√(n+1)·((s+1)/(n+1) − ½). */
export function proportionTest(successes: number, trials: number): number {
  return 2 * Math.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5);
}

/**
 * Two-proportion z of s1/n1 against s2/n2, each count +1; 0 when the pooled rate is 1 (Pol.is).
 */
export function twoProportionTest(s1: number, n1: number, s2: number, n2: number): number {
  const a = s1 + 1;
  const b = s2 + 1;
  const na = n1 + 1;
  const nb = n2 + 1;
  const pooled = (a + b) / (na + nb);
  if (pooled >= 1) return 0;
  const spread = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  return spread > 0 ? (a / na - b / nb) / spread : 0;
}

/** Smoothed rate (s+1)/(n+2). */
export function smoothedRate(successes: number, trials: number): number {
  return (successes + 1) / (trials + 2);
}
