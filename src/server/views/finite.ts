/** A value as it travels as JSON: interfaces become plain object types (so loose response schemas accept them). */
export type AsJson<T> = T extends (infer U)[] ? AsJson<U>[] : T extends object ? { [K in keyof T]: AsJson<T[K]> } : T;

/**
 * JSON has no ∞: infinite and NaN numbers (π/ℓ with ℓ = 0, an infinite half-life) are sent as
 * null; the response schemas declare those fields nullable.
 */
export function finite<T>(value: T): AsJson<T> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as AsJson<T>;
}
