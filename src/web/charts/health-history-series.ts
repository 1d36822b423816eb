/**
 * An issue's two aspects over time (MODEL.md §3): ℓ and π from its health trail, and the
 * forecast's date, when, without new consultation, it would cross into left-communist or fool.
 */

export type Aspect = 'logic' | 'practice';

export interface HistoryRow {
  at: Date;
  aspect: Aspect;
  value: number;
}

export interface HealthHistorySeries {
  rows: HistoryRow[];
  /** A what-if's projected trail, from now on (empty without one). */
  projected: HistoryRow[];
  /** The sufficiency line: ℓ = 1 and π = 1. */
  sufficiency: 1;
  forecast: { at: Date; into: 'left-communist' | 'fool' } | null;
  /** The time frame, reaching the forecast when there is one. */
  domain: [Date, Date];
}

export function healthHistorySeries(
  trail: readonly { at: number; l: number; pi: number }[],
  forecast: { at: number | null; into: 'left-communist' | 'fool' | null; already: boolean } | null,
  projection: readonly { at: number; l: number; pi: number }[] = [],
): HealthHistorySeries {
  const inOrder = (list: readonly { at: number; l: number; pi: number }[]) => [...list].filter((p) => Number.isFinite(p.at)).sort((a, b) => a.at - b.at);
  const toRows = (list: readonly { at: number; l: number; pi: number }[]) =>
    list.flatMap((p) => [
      { at: new Date(p.at), aspect: 'logic' as const, value: finiteOrZero(p.l) },
      { at: new Date(p.at), aspect: 'practice' as const, value: finiteOrZero(p.pi) },
    ]);
  const points = inOrder(trail);
  const projected = inOrder(projection);
  const rows = toRows(points);
  const ahead = forecast && !forecast.already && forecast.at !== null && forecast.into ? { at: new Date(forecast.at), into: forecast.into } : null;
  const times = [...points.map((p) => p.at), ...projected.map((p) => p.at), ...(ahead ? [ahead.at.getTime()] : [])];
  const first = times.length ? Math.min(...times) : 0;
  const last = times.length ? Math.max(...times) : 0;
  // A single instant still gets a day's width.
  return { rows, projected: toRows(projected), sufficiency: 1, forecast: ahead, domain: [new Date(first), new Date(last > first ? last : first + 86_400_000)] };
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
