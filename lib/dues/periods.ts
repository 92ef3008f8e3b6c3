import { addDays, firstOfMonth, yearMonth, type CalendarDate } from "./calendar-date";

/**
 * Dues periods on the Rotary year, which starts on 1 July: RY 2026-27 runs
 * from 1 July 2026 to 30 June 2027. A year divides into halves (H1 = Jul–Dec),
 * quarters (Q1 = Jul–Sep) or months (M01 = July). Keys sort in date order
 * within a kind and are what invoices store; labels are for people.
 */
export const DUES_PERIOD_KINDS = ["ANNUAL", "SEMI_ANNUAL", "QUARTERLY", "MONTHLY"] as const;
export type DuesPeriodKind = (typeof DUES_PERIOD_KINDS)[number];

export const DUES_PERIOD_KIND_LABELS: Record<DuesPeriodKind, string> = {
  ANNUAL: "Annual",
  SEMI_ANNUAL: "Half-yearly",
  QUARTERLY: "Quarterly",
  MONTHLY: "Monthly",
};

/** One period: `start` and `end` are its first and last days, both included. */
export type DuesPeriod = { kind: DuesPeriodKind; key: string; label: string; start: CalendarDate; end: CalendarDate };

const ROTARY_YEAR_FIRST_MONTH = 7;
const MONTHS_PER_PERIOD: Record<DuesPeriodKind, number> = { ANNUAL: 12, SEMI_ANNUAL: 6, QUARTERLY: 3, MONTHLY: 1 };
const SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const twoDigits = (n: number) => String(n).padStart(2, "0");
/** "2026-27": the year it starts and the last two digits of the year it ends. */
const rotaryYearKey = (startYear: number) => `${startYear}-${twoDigits((startYear + 1) % 100)}`;

function suffix(kind: DuesPeriodKind, index: number): string {
  if (kind === "ANNUAL") return "";
  if (kind === "SEMI_ANNUAL") return `-H${index + 1}`;
  if (kind === "QUARTERLY") return `-Q${index + 1}`;
  return `-M${twoDigits(index + 1)}`;
}

function label(kind: DuesPeriodKind, startYear: number, start: CalendarDate, end: CalendarDate): string {
  if (kind === "ANNUAL") return `Rotary year ${startYear}–${twoDigits((startYear + 1) % 100)}`;
  const first = yearMonth(start);
  if (kind === "MONTHLY") return `${LONG_MONTHS[first.month - 1]} ${first.year}`;
  // Halves and quarters never cross 31 December, so one year names both ends.
  return `${SHORT_MONTHS[first.month - 1]}–${SHORT_MONTHS[yearMonth(end).month - 1]} ${first.year}`;
}

/** The `index`-th period (from 0) of a kind in the Rotary year starting 1 July `startYear`. */
function period(kind: DuesPeriodKind, startYear: number, index: number): DuesPeriod {
  const span = MONTHS_PER_PERIOD[kind];
  const month = ROTARY_YEAR_FIRST_MONTH + index * span;
  const start = firstOfMonth(startYear, month);
  const end = addDays(firstOfMonth(startYear, month + span), -1);
  return { kind, key: `${rotaryYearKey(startYear)}${suffix(kind, index)}`, label: label(kind, startYear, start, end), start, end };
}

/** The period of a kind that `date` falls in. Throws on a date that is not YYYY-MM-DD. */
export function periodContaining(kind: DuesPeriodKind, date: CalendarDate): DuesPeriod {
  const { year, month } = yearMonth(date);
  const startYear = month >= ROTARY_YEAR_FIRST_MONTH ? year : year - 1;
  const monthsIntoYear = (month - ROTARY_YEAR_FIRST_MONTH + 12) % 12;
  return period(kind, startYear, Math.floor(monthsIntoYear / MONTHS_PER_PERIOD[kind]));
}

/** The period after the one `date` falls in. */
export const nextPeriod = (kind: DuesPeriodKind, date: CalendarDate): DuesPeriod => periodContaining(kind, addDays(periodContaining(kind, date).end, 1));

// Each part is a fixed-width token, so the pattern cannot backtrack.
const KEY = /^(\d{4})-(\d{2})(?:-(H[12]|Q[1-4]|M(?:0[1-9]|1[0-2])))?$/;
const KIND_BY_LETTER: Record<string, DuesPeriodKind> = { H: "SEMI_ANNUAL", Q: "QUARTERLY", M: "MONTHLY" };

/** The period a key names, or null when it names none ("2026-28", "2026-27-Q5", "2026-27-M1"). */
export function parsePeriodKey(key: string): DuesPeriod | null {
  const match = KEY.exec(key);
  if (!match) return null;
  const startYear = Number(match[1]);
  // Both ends of the year stay four-digit years, which is all YYYY-MM-DD can hold.
  if (startYear < 1000 || startYear > 9998) return null;
  if (match[2] !== twoDigits((startYear + 1) % 100)) return null;
  const part = match[3];
  return part ? period(KIND_BY_LETTER[part[0]], startYear, Number(part.slice(1)) - 1) : period("ANNUAL", startYear, 0);
}

/** The day dues for a period fall due: `dueDays` days after it starts (0 = its first day). */
export function dueDate(period: DuesPeriod, dueDays: number): CalendarDate {
  if (!Number.isInteger(dueDays) || dueDays < 0) throw new RangeError(`dueDays must be a whole number of days, 0 or more: ${dueDays}`);
  return addDays(period.start, dueDays);
}

/** Every period of a kind from the one `from` falls in to the one `to` falls in, both included; none when `to` is before `from`. */
export function periodsBetween(kind: DuesPeriodKind, from: CalendarDate, to: CalendarDate): DuesPeriod[] {
  const last = periodContaining(kind, to);
  const periods: DuesPeriod[] = [];
  for (let p = periodContaining(kind, from); p.start <= last.start; p = nextPeriod(kind, p.start)) periods.push(p);
  return periods;
}
