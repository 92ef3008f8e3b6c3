import { daysBetween, type CalendarDate } from "./calendar-date";
import { invoiceState, type InvoiceFacts } from "./invoice-state";

/**
 * When a member is reminded of an unpaid invoice: once in the days before it
 * falls due ("due-soon"), and once after ("overdue"). Each stage is sent at
 * most once per invoice (the dues_reminder table's unique key), so the daily
 * run may pick an invoice up on any day of its window.
 */
export const REMINDER_STAGES = ["due-soon", "overdue"] as const;
export type ReminderStage = (typeof REMINDER_STAGES)[number];

/** How many days before the due date the first reminder goes out. */
export const REMINDER_DAYS_BEFORE = 7;

/** The stage a reminder about an invoice belongs to today: due-soon up to and on the due date, overdue after it. */
export const reminderStage = (dueOn: CalendarDate, today: CalendarDate): ReminderStage => (daysBetween(dueOn, today) > 0 ? "overdue" : "due-soon");

/**
 * The reminder the daily run sends today, if any: due-soon within
 * `daysBefore` days of the due date, overdue once past it. Nothing for a
 * paid, void or draft invoice, and nothing once it has lapsed: by then the
 * treasurer, not an email, follows it up.
 */
export function scheduledReminder(invoice: InvoiceFacts, today: CalendarDate, daysBefore = REMINDER_DAYS_BEFORE): ReminderStage | null {
  const state = invoiceState(invoice, today);
  if (state === "overdue") return "overdue";
  if (state !== "open" && state !== "partially_paid") return null;
  return daysBetween(today, invoice.dueOn) <= daysBefore ? "due-soon" : null;
}
