/**
 * The health plane of MODEL.md §3 as plot-ready data: x = ℓ (pure logic over its sufficiency),
 * y = π (practice over its sufficiency), both on log scales. The band of correctness is
 * 1/β ≤ π/ℓ ≤ β outside the fool's box (ℓ < 1 and π < 1). Values a log scale cannot show (0,
 * or far below the frame) are drawn on the frame's edge and flagged as such.
 */

export type Character = 'fool' | 'left-communist' | 'empiricist' | 'correct';

export interface PlanePointInput {
  l: number;
  pi: number;
}

export interface PlaneDot {
  key: string;
  label: string;
  /** Where it is drawn (clamped into the frame). */
  x: number;
  y: number;
  /** The true values. */
  l: number;
  pi: number;
  character: Character;
  /** Drawn on the frame's edge because the true value lies outside it. */
  clamped: boolean;
  organisation: boolean;
}

export interface PlaneTrailPoint {
  key: string;
  x: number;
  y: number;
  at: number;
}

export interface HealthPlaneSeries {
  /** The frame of both axes (the same, so the diagonal is at 45°). */
  domain: [number, number];
  /** The band of correctness, as an area between two edges over ℓ. */
  band: { x: number; lower: number; upper: number }[];
  /** The fool's box: from the frame's corner to (1, 1). */
  foolBox: { x1: number; x2: number; y1: number; y2: number };
  dots: PlaneDot[];
  trails: PlaneTrailPoint[];
}

/** Lower edge of the frame: a tenth of the smallest positive value, never under 10⁻³ (a dot further down is clamped). */
const FLOOR = 1e-3;

export function healthPlaneSeries(input: {
  beta: number;
  organisation: (PlanePointInput & { label: string; character: Character }) | null;
  issues: (PlanePointInput & { key: string; label: string; character: Character; trail: (PlanePointInput & { at: number })[] })[];
}): HealthPlaneSeries {
  const { beta } = input;
  const all = [...(input.organisation ? [input.organisation] : []), ...input.issues, ...input.issues.flatMap((i) => i.trail)];
  const values = all.flatMap((p) => [p.l, p.pi]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.max(FLOOR, Math.min(0.1, ...values.map((v) => v / 2)));
  const hi = Math.max(10, beta * 4, ...values.map((v) => v * 2));
  const clamp = (v: number) => Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : hi));
  const isClamped = (v: number) => !(v >= lo && v <= hi);

  const kinks = [lo, beta * lo, hi / beta, hi].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
  const band = [...new Set(kinks)].map((x) => ({ x, lower: clamp(x / beta), upper: clamp(x * beta) }));

  const dot = (p: PlanePointInput & { label: string; character: Character }, key: string, organisation: boolean): PlaneDot => ({
    key,
    label: p.label,
    x: clamp(p.l),
    y: clamp(p.pi),
    l: p.l,
    pi: p.pi,
    character: p.character,
    clamped: isClamped(p.l) || isClamped(p.pi),
    organisation,
  });
  return {
    domain: [lo, hi],
    band,
    foolBox: { x1: lo, x2: 1, y1: lo, y2: 1 },
    dots: [...(input.organisation ? [dot(input.organisation, 'organisation', true)] : []), ...input.issues.map((i) => dot(i, i.key, false))],
    trails: input.issues.flatMap((i) => [...i.trail].sort((a, b) => a.at - b.at).map((p) => ({ key: i.key, x: clamp(p.l), y: clamp(p.pi), at: p.at }))),
  };
}
