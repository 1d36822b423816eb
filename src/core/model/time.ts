/** Units of time the model speaks in. Facts carry milliseconds since the epoch (UTC). */
import type { Millis } from './facts.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** The ISO 8601 instant of `at` (UTC), e.g. `2026-03-01T14:00:00.000Z`. */
export function isoInstant(at: Millis): string {
  return new Date(at).toISOString();
}

/** The calendar date of `at` in UTC, `YYYY-MM-DD`: what the dashboard prints ("consult by …"). */
export function isoDate(at: Millis): string {
  return isoInstant(at).slice(0, 10);
}
