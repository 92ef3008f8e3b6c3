import { describe, expect, test } from "vitest";
import { calendarDateOf } from "@/lib/dues/calendar-date";
import { DUES_PERIOD_KIND_LABELS, DUES_PERIOD_KINDS, dueDate, nextPeriod, parsePeriodKey, periodContaining, periodsBetween, type DuesPeriodKind } from "@/lib/dues/periods";

type Expected = [key: string, label: string, start: string, end: string];

describe("periodContaining: the Rotary year starts on 1 July", () => {
  const cases: Array<[DuesPeriodKind, string, Expected]> = [
    ["ANNUAL", "2026-07-01", ["2026-27", "Rotary year 2026–27", "2026-07-01", "2027-06-30"]],
    ["ANNUAL", "2026-06-30", ["2025-26", "Rotary year 2025–26", "2025-07-01", "2026-06-30"]],
    ["ANNUAL", "2026-12-31", ["2026-27", "Rotary year 2026–27", "2026-07-01", "2027-06-30"]],
    ["ANNUAL", "2027-01-01", ["2026-27", "Rotary year 2026–27", "2026-07-01", "2027-06-30"]],
    ["ANNUAL", "2099-08-15", ["2099-00", "Rotary year 2099–00", "2099-07-01", "2100-06-30"]],
    ["SEMI_ANNUAL", "2026-07-01", ["2026-27-H1", "Jul–Dec 2026", "2026-07-01", "2026-12-31"]],
    ["SEMI_ANNUAL", "2026-12-31", ["2026-27-H1", "Jul–Dec 2026", "2026-07-01", "2026-12-31"]],
    ["SEMI_ANNUAL", "2027-01-01", ["2026-27-H2", "Jan–Jun 2027", "2027-01-01", "2027-06-30"]],
    ["SEMI_ANNUAL", "2027-06-30", ["2026-27-H2", "Jan–Jun 2027", "2027-01-01", "2027-06-30"]],
    ["QUARTERLY", "2026-07-01", ["2026-27-Q1", "Jul–Sep 2026", "2026-07-01", "2026-09-30"]],
    ["QUARTERLY", "2026-09-30", ["2026-27-Q1", "Jul–Sep 2026", "2026-07-01", "2026-09-30"]],
    ["QUARTERLY", "2026-10-01", ["2026-27-Q2", "Oct–Dec 2026", "2026-10-01", "2026-12-31"]],
    ["QUARTERLY", "2027-02-28", ["2026-27-Q3", "Jan–Mar 2027", "2027-01-01", "2027-03-31"]],
    ["QUARTERLY", "2027-06-30", ["2026-27-Q4", "Apr–Jun 2027", "2027-04-01", "2027-06-30"]],
    ["MONTHLY", "2026-07-01", ["2026-27-M01", "July 2026", "2026-07-01", "2026-07-31"]],
    ["MONTHLY", "2026-06-30", ["2025-26-M12", "June 2026", "2026-06-01", "2026-06-30"]],
    ["MONTHLY", "2026-12-31", ["2026-27-M06", "December 2026", "2026-12-01", "2026-12-31"]],
    ["MONTHLY", "2027-01-01", ["2026-27-M07", "January 2027", "2027-01-01", "2027-01-31"]],
    ["MONTHLY", "2027-02-14", ["2026-27-M08", "February 2027", "2027-02-01", "2027-02-28"]],
    ["MONTHLY", "2028-02-29", ["2027-28-M08", "February 2028", "2028-02-01", "2028-02-29"]],
    ["MONTHLY", "2100-02-10", ["2099-00-M08", "February 2100", "2100-02-01", "2100-02-28"]],
    ["MONTHLY", "2000-02-10", ["1999-00-M08", "February 2000", "2000-02-01", "2000-02-29"]],
    ["MONTHLY", "2026-09-15", ["2026-27-M03", "September 2026", "2026-09-01", "2026-09-30"]],
    ["MONTHLY", "2026-08-31", ["2026-27-M02", "August 2026", "2026-08-01", "2026-08-31"]],
  ];
  test.each(cases)("%s on %s", (kind, date, [key, label, start, end]) => {
    expect(periodContaining(kind, date)).toEqual({ kind, key, label, start, end });
  });

  test.each(["2027-02-29", "2026-06-31", "2026-13-01", "2026-7-1", "2026-07-01T00:00:00Z", "", "0050-07-01"])("refuses %j, which is not a calendar date", (date) => {
    expect(() => periodContaining("ANNUAL", date)).toThrow(RangeError);
  });
});

describe("nextPeriod: the period after the one a date falls in", () => {
  const cases: Array<[DuesPeriodKind, string, string]> = [
    ["ANNUAL", "2027-06-30", "2027-28"],
    ["ANNUAL", "2027-07-01", "2028-29"],
    ["SEMI_ANNUAL", "2026-12-31", "2026-27-H2"],
    ["SEMI_ANNUAL", "2027-01-01", "2027-28-H1"],
    ["QUARTERLY", "2027-06-30", "2027-28-Q1"],
    ["QUARTERLY", "2026-09-30", "2026-27-Q2"],
    ["MONTHLY", "2026-12-31", "2026-27-M07"],
    ["MONTHLY", "2027-06-15", "2027-28-M01"],
    ["MONTHLY", "2028-01-31", "2027-28-M08"],
  ];
  test.each(cases)("%s after %s is %s", (kind, date, key) => {
    expect(nextPeriod(kind, date).key).toBe(key);
  });
});

describe("parsePeriodKey: a key names exactly one period, or nothing", () => {
  test.each(["2026-27", "2026-27-H1", "2026-27-H2", "2026-27-Q1", "2026-27-Q4", "2026-27-M01", "2026-27-M12", "1999-00", "9998-99-M12"])(
    "%s round-trips to the period it names",
    (key) => {
      const period = parsePeriodKey(key);
      expect(period?.key).toBe(key);
      expect(periodContaining(period!.kind, period!.start)).toEqual(period);
      expect(periodContaining(period!.kind, period!.end)).toEqual(period);
    },
  );

  test.each([
    "2026-28",
    "2026-26",
    "2026",
    "2026-Q1",
    "2026-27-H3",
    "2026-27-Q0",
    "2026-27-Q5",
    "2026-27-M1",
    "2026-27-M00",
    "2026-27-M13",
    "2026-27-q1",
    "2026-27-Q1 ",
    " 2026-27",
    "2026–27",
    "0999-00",
    "9999-00",
    "",
  ])("%j is no period", (key) => {
    expect(parsePeriodKey(key)).toBeNull();
  });

  test("keys of one kind sort in date order", () => {
    const periods = periodsBetween("MONTHLY", "2025-07-01", "2027-06-30");
    expect(periods.map((p) => p.key)).toEqual(periods.map((p) => p.key).sort());
  });
});

describe("dueDate: dueDays after the period starts", () => {
  const q1 = parsePeriodKey("2026-27-Q1")!;
  const feb = parsePeriodKey("2027-28-M08")!;
  const cases: Array<[string, number, string]> = [
    [q1.key, 0, "2026-07-01"],
    [q1.key, 30, "2026-07-31"],
    [q1.key, 31, "2026-08-01"],
    [feb.key, 28, "2028-02-29"],
    [feb.key, 29, "2028-03-01"],
  ];
  test.each(cases)("%s + %i days is %s", (key, days, expected) => {
    expect(dueDate(parsePeriodKey(key)!, days)).toBe(expected);
  });

  test.each([-1, 1.5, Number.NaN])("refuses %s days", (days) => {
    expect(() => dueDate(q1, days)).toThrow(RangeError);
  });
});

describe("periodsBetween: every period from the one containing `from` to the one containing `to`", () => {
  test("a Rotary year is 1 annual, 2 half-year, 4 quarterly or 12 monthly periods, end to end", () => {
    const counts: Record<DuesPeriodKind, number> = { ANNUAL: 1, SEMI_ANNUAL: 2, QUARTERLY: 4, MONTHLY: 12 };
    for (const [kind, count] of Object.entries(counts) as Array<[DuesPeriodKind, number]>) {
      const periods = periodsBetween(kind, "2027-07-01", "2028-06-30");
      expect(periods).toHaveLength(count);
      expect(periods[0].start).toBe("2027-07-01");
      expect(periods.at(-1)!.end).toBe("2028-06-30");
      periods.slice(1).forEach((p, i) => expect(p).toEqual(nextPeriod(kind, periods[i].start)));
    }
  });

  test("includes the periods either end only touches", () => {
    expect(periodsBetween("QUARTERLY", "2026-09-30", "2026-10-01").map((p) => p.key)).toEqual(["2026-27-Q1", "2026-27-Q2"]);
    expect(periodsBetween("ANNUAL", "2026-06-30", "2026-07-01").map((p) => p.key)).toEqual(["2025-26", "2026-27"]);
  });

  test("is one period when both ends fall in it, and none when `to` is before `from`", () => {
    expect(periodsBetween("MONTHLY", "2026-07-05", "2026-07-20").map((p) => p.key)).toEqual(["2026-27-M01"]);
    expect(periodsBetween("MONTHLY", "2026-08-01", "2026-07-31")).toEqual([]);
  });
});

describe("calendarDateOf: which day it is, where the club is", () => {
  const cases: Array<[string, string, string]> = [
    ["2026-06-30T21:30:00Z", "Africa/Nairobi", "2026-07-01"],
    ["2026-06-30T21:30:00Z", "UTC", "2026-06-30"],
    ["2026-07-01T00:00:00Z", "Africa/Lagos", "2026-07-01"],
    ["2026-07-01T00:00:00Z", "America/New_York", "2026-06-30"],
  ];
  test.each(cases)("%s in %s is %s", (instant, zone, date) => {
    expect(calendarDateOf(new Date(instant), zone)).toBe(date);
  });
});

test("every period kind has a label for the select", () => {
  expect(Object.keys(DUES_PERIOD_KIND_LABELS).sort()).toEqual([...DUES_PERIOD_KINDS].sort());
});
