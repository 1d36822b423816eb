/**
 * The opinion map as plot-ready data: one point per member (2-D projection of their votes) with
 * their group's letter, and each group's centre for its label. Pure; the chart only draws it.
 */
import type { AnalysisSnapshot } from '../../contract/analysis.js';
import { groupLabels } from '../analysis/findings.js';

export interface MapPoint {
  x: number;
  y: number;
  /** The group's letter, or null for a member not clustered (too few votes). */
  group: string | null;
}

export interface MapGroupMark {
  label: string;
  size: number;
  x: number;
  y: number;
}

export interface OpinionMapSeries {
  points: MapPoint[];
  groups: MapGroupMark[];
  unclustered: number;
  /** Bounds of all points, padded, so every chart of the same snapshot has the same frame. */
  domain: { x: [number, number]; y: [number, number] };
}

export function opinionMapSeries(snapshot: Pick<AnalysisSnapshot, 'map' | 'groups'>): OpinionMapSeries {
  const labels = groupLabels(snapshot.groups);
  const { x, y, group } = snapshot.map;
  const points: MapPoint[] = [];
  const sums = new Map<string, { x: number; y: number; n: number }>();
  for (let i = 0; i < x.length; i++) {
    const px = x[i];
    const py = y[i];
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) continue;
    const gid = group[i] ?? null;
    const label = gid === null ? null : (labels.get(gid) ?? null);
    points.push({ x: px, y: py, group: label });
    if (label) {
      const s = sums.get(label) ?? { x: 0, y: 0, n: 0 };
      sums.set(label, { x: s.x + px, y: s.y + py, n: s.n + 1 });
    }
  }
  const groups = [...labels.values()].flatMap((label) => {
    const s = sums.get(label);
    return s ? [{ label, size: s.n, x: s.x / s.n, y: s.y / s.n }] : [];
  });
  return {
    points,
    groups,
    unclustered: points.filter((p) => p.group === null).length,
    domain: { x: paddedExtent(points.map((p) => p.x)), y: paddedExtent(points.map((p) => p.y)) },
  };
}

/** [min, max] widened by 5 % each side; a single value or none gets a unit span. */
export function paddedExtent(values: readonly number[]): [number, number] {
  if (values.length === 0) return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : 1;
  return [lo - pad, hi + pad];
}
