/**
 * Calendar dates as `YYYY-MM-DD` strings. Dues fall on days, not instants, so
 * arithmetic runs on UTC midnights and never meets a time zone; the one place
 * a zone matters — which day it is now, somewhere — is `calendarDateOf`.
 * Strings in this form sort and compare in date order.
 */
export type CalendarDate = string;

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Midnight UTC of the date, or null when the text is not a real date (2027-02-29, 2026-13-01). */
function utcMidnight(date: string): number | null {
  const match = SHAPE.exec(date);
  if (!match) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 31 June over to 1 July; a real date survives the round trip.
  return new Date(time).toISOString().slice(0, 10) === date ? time : null;
}

function requireDate(date: CalendarDate): number {
  const time = utcMidnight(date);
  if (time === null) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  return time;
}

const fromUtc = (time: number): CalendarDate => new Date(time).toISOString().slice(0, 10);

export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isInteger(days)) throw new RangeError(`Whole days only: ${days}`);
  return fromUtc(requireDate(date) + days * MS_PER_DAY);
}

/** The first of a month; a month past 12 runs into the next year (2026, 13 → 2027-01-01). */
export const firstOfMonth = (year: number, month: number): CalendarDate => fromUtc(Date.UTC(year, month - 1, 1));

/** How many days `to` is after `from` (negative when before). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number => (requireDate(to) - requireDate(from)) / MS_PER_DAY;

/** The year and month (1–12) a calendar date falls in. */
export function yearMonth(date: CalendarDate): { year: number; month: number } {
  const d = new Date(requireDate(date));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/**
 * The calendar date an instant falls on in a time zone: today in Nairobi is
 * `calendarDateOf(new Date(), "Africa/Nairobi")`. A Postgres DATE read by
 * Prisma arrives as UTC midnight, so the default zone gives its date back.
 */
export function calendarDateOf(instant: Date, timeZone = "UTC"): CalendarDate {
  const parts = new Intl.DateTimeFormat("en", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "31 July 2026", for people. */
export function calendarDateLabel(date: CalendarDate, locale = "en-KE"): string {
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(requireDate(date));
}
