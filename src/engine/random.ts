/**
 * Seeded pseudo-random numbers (SplitMix32 seeding a xoshiro128** state), so every random choice
 * of the engine is reproducible: same seed and input, same output, on every run.
 */

/** Generator state: four 32-bit words; never all zero. */
export type RandomState = Uint32Array;

/** A generator seeded from any integer (SplitMix32 spreads the seed over the state). */
export function randomStateFromSeed(seed: number): RandomState {
  const state = new Uint32Array(4);
  let s = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

/** Next 32-bit unsigned integer (xoshiro128**); advances `state`. */
export function randomUint32(state: RandomState): number {
  const s0 = state[0]!;
  const s1 = state[1]!;
  const s2 = state[2]!;
  const s3 = state[3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  const n2 = (s2 ^ s0) >>> 0;
  const n3 = (s3 ^ s1) >>> 0;
  state[1] = (s1 ^ n2) >>> 0;
  state[0] = (s0 ^ n3) >>> 0;
  state[2] = (n2 ^ t) >>> 0;
  state[3] = ((n3 << 11) | (n3 >>> 21)) >>> 0;
  return result;
}

/** Uniform float in [0, 1) with 32 bits of randomness; advances `state`. */
export function randomUnit(state: RandomState): number {
  return randomUint32(state) / 4294967296;
}

/** Uniform integer in [0, bound); `bound` ≥ 1. */
export function randomBelow(state: RandomState, bound: number): number {
  return Math.floor(randomUnit(state) * bound);
}
