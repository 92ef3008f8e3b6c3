/**
 * Which backups to keep (promise M8.2): 30 daily, 12 monthly and 7 yearly
 * copies. Pure: dates in, the same dates split out; the caller touches the store.
 *
 * Calendar windows in UTC, counted back from the newest copy (which pruning
 * follows, so in practice from today): the newest copy of each of the last 30
 * days, of each of the last 12 months and of each of the last 7 years. A copy
 * may be kept for more than one reason (the 31 March copy is that day's and
 * March's). Windows rather than "the last N days that have a copy" so that
 * nothing outlives 7 years however sparse the backups: personal data erased
 * from the database leaves the backups in bounded time. The newest copy is
 * always kept, whatever the policy.
 */
export type RetentionPolicy = { daily: number; monthly: number; yearly: number };

export const DEFAULT_RETENTION: RetentionPolicy = { daily: 30, monthly: 12, yearly: 7 };

export type RetentionPlan = { keep: Date[]; remove: Date[] };

const DAY_MS = 86_400_000;

/** Each period as a consecutive integer (day, month or year number), so "the last N" is a subtraction. */
const PERIODS = [
  ["daily", (d: Date) => Math.floor(d.getTime() / DAY_MS)],
  ["monthly", (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth()],
  ["yearly", (d: Date) => d.getUTCFullYear()],
] as const;

export function planRetention(dates: readonly Date[], policy: RetentionPolicy = DEFAULT_RETENTION): RetentionPlan {
  const newestFirst = [...dates].sort((a, b) => b.getTime() - a.getTime());
  const newest = newestFirst[0];
  if (!newest) return { keep: [], remove: [] };
  const kept = new Set<Date>([newest]);
  for (const [name, periodOf] of PERIODS) {
    const last = periodOf(newest);
    const seen = new Set<number>();
    for (const date of newestFirst) {
      const period = periodOf(date);
      if (last - period >= policy[name]) break;
      if (seen.has(period)) continue;
      seen.add(period);
      kept.add(date);
    }
  }
  return { keep: newestFirst.filter((d) => kept.has(d)), remove: newestFirst.filter((d) => !kept.has(d)) };
}
