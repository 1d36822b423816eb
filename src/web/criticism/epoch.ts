/** The Monday (UTC midnight) that an ISO week such as "2026-W48" starts on, or null for anything else. */
export function mondayOfEpoch(epoch: string): Date | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(epoch);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  // 4 January is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = new Date(jan4).getUTCDay() || 7;
  return new Date(jan4 - (weekday - 1) * 86_400_000 + (week - 1) * 7 * 86_400_000);
}
