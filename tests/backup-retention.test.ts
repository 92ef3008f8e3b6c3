import { describe, expect, test } from "vitest";
import { DEFAULT_RETENTION, planRetention } from "@/lib/backups/retention";

/** Every day from `from` to `to` (inclusive) at 03:00 UTC, the nightly backup's hour. */
function nightly(from: string, to: string): Date[] {
  const dates: Date[] = [];
  for (let d = new Date(`${from}T03:00:00Z`); d <= new Date(`${to}T03:00:00Z`); d = new Date(d.getTime() + 86_400_000)) dates.push(d);
  return dates;
}
const days = (from: string, to: string) => nightly(from, to).map(iso);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const at = (...stamps: string[]) => stamps.map((s) => new Date(s));

/** The last day of every month from `from` (YYYY-MM) to `to`, at 03:00 UTC. */
function monthEnds(from: string, to: string): Date[] {
  const dates: Date[] = [];
  const [fy, fm] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  for (let y = fy!, m = fm!; y < ty! || (y === ty && m <= tm!); m === 12 ? ((m = 1), y++) : m++) {
    dates.push(new Date(Date.UTC(y, m, 0, 3)));
  }
  return dates;
}

const cases: { name: string; dates: Date[]; keep: string[] }[] = [
  {
    name: "a leap year: the 30 days end on 29 March and reach back to 29 February; January keeps its last copy",
    dates: nightly("2024-01-15", "2024-03-29"),
    keep: [...days("2024-02-29", "2024-03-29").reverse(), "2024-01-31"],
  },
  {
    name: "a day later 29 February leaves the daily window and stays as February's copy",
    dates: nightly("2024-01-15", "2024-03-30"),
    keep: [...days("2024-03-01", "2024-03-30").reverse(), "2024-02-29", "2024-01-31"],
  },
  {
    name: "the same dates in a common year: 28 February is the month's last copy",
    dates: nightly("2023-01-15", "2023-03-29"),
    keep: [...days("2023-02-28", "2023-03-29").reverse(), "2023-01-31"],
  },
  {
    name: "a year end: the window spans it; November keeps its last day; 31 December is also 2023's copy",
    dates: nightly("2023-11-20", "2024-01-05"),
    keep: [...days("2023-12-07", "2024-01-05").reverse(), "2023-11-30"],
  },
  {
    name: "month ends over 26 months: the last 12 months, each year's last copy, and the daily window's two",
    dates: monthEnds("2022-01", "2024-02"),
    keep: [...monthEnds("2023-03", "2024-02").map(iso).reverse(), "2022-12-31"],
  },
  {
    name: "one copy a year for ten years: only the last seven years are kept",
    dates: at(...Array.from({ length: 10 }, (_, i) => `${2015 + i}-01-01T03:00:00Z`)),
    keep: ["2024-01-01", "2023-01-01", "2022-01-01", "2021-01-01", "2020-01-01", "2019-01-01", "2018-01-01"],
  },
  {
    name: "leap days as the years' copies: 29 February 2020 is its year's newest when nothing follows it",
    dates: at("2016-02-29T03:00:00Z", "2016-01-10T03:00:00Z", "2020-02-29T03:00:00Z", "2020-02-28T03:00:00Z", "2021-03-01T03:00:00Z"),
    keep: ["2021-03-01", "2020-02-29", "2016-02-29"],
  },
];

describe("[M8.2] backup retention: 30 daily, 12 monthly, 7 yearly", () => {
  test.each(cases)("$name", ({ dates, keep }) => {
    const shuffled = [...dates].reverse().sort((a, b) => (a.getUTCDate() % 3) - (b.getUTCDate() % 3));
    const plan = planRetention(shuffled);
    expect(plan.keep.map(iso)).toEqual(keep);
    expect(plan.keep.length + plan.remove.length).toBe(dates.length);
    expect(new Set([...plan.keep, ...plan.remove])).toEqual(new Set(shuffled));
  });

  test("[M8.2] days are UTC days: copies a millisecond apart across midnight on 31 December are two days and two years", () => {
    const plan = planRetention(at("2024-12-31T00:00:00.000Z", "2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00.000Z"));
    expect(plan.keep.map((d) => d.toISOString())).toEqual(["2025-01-01T00:00:00.000Z", "2024-12-31T23:59:59.999Z"]);
    expect(plan.remove.map((d) => d.toISOString())).toEqual(["2024-12-31T00:00:00.000Z"]);
  });

  test("[M8.2] several copies a day: the newest of each day is kept", () => {
    const dates = at("2024-02-28T01:00:00Z", "2024-02-28T13:00:00Z", "2024-02-29T01:00:00Z", "2024-02-29T23:00:00Z", "2024-03-01T00:30:00Z");
    expect(planRetention(dates).keep.map((d) => d.toISOString())).toEqual(["2024-03-01T00:30:00.000Z", "2024-02-29T23:00:00.000Z", "2024-02-28T13:00:00.000Z"]);
  });

  test("[M8.2] the newest copy is never removed, whatever the policy and the dates", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      const dates = Array.from({ length: 1 + Math.floor(random() * 60) }, () => new Date(Date.UTC(2016, 0, 1) + Math.floor(random() * 10 * 365 * 86_400_000)));
      const policy = { daily: Math.floor(random() * 3), monthly: Math.floor(random() * 3), yearly: Math.floor(random() * 3) };
      const newest = Math.max(...dates.map((d) => d.getTime()));
      const plan = planRetention(dates, policy);
      expect(plan.keep.map((d) => d.getTime())).toContain(newest);
      expect(plan.keep.length).toBeLessThanOrEqual(1 + policy.daily + policy.monthly + policy.yearly);
    }
    expect(planRetention(at("2024-02-29T03:00:00Z"), { daily: 0, monthly: 0, yearly: 0 }).keep).toHaveLength(1);
    expect(planRetention([])).toEqual({ keep: [], remove: [] });
  });

  test("[M8.2] eight years of nightly copies keep 30 + 11 + 6: the month and year of the newest are already kept", () => {
    const plan = planRetention(nightly("2017-01-01", "2024-12-31"), DEFAULT_RETENTION);
    // 30 days of December 2024; the month ends of January–November 2024; the year ends of 2018–2023.
    expect(plan.keep).toHaveLength(30 + 11 + 6);
    expect(plan.keep.map(iso).at(-1)).toBe("2018-12-31");
  });
});
