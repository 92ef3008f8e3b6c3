import { withTenant } from "../db/tenant";
import { addDays, calendarDateOf, type CalendarDate } from "../dues/calendar-date";
import { REMINDER_DAYS_BEFORE, scheduledReminder, type ReminderStage } from "../dues/reminder-stage";
import { invoicesPaidMinor } from "./ledger";

/** An invoice whose payer the daily run reminds today, or why it cannot (no address to send to, or the member is archived). */
export type ReminderDue = { invoiceId: string; stage: ReminderStage; skip: "no-email" | "archived" | null };

/** The longest grace a plan may give (lib/schemas/dues.ts): no invoice due before that is still overdue rather than lapsed. */
const MAX_GRACE_DAYS = 730;
const asDate = (day: CalendarDate) => new Date(`${day}T00:00:00Z`);

/**
 * The organisation's open invoices that are due a reminder today and have not
 * had that stage's reminder yet (lib/dues/reminder-stage.ts). What is paid
 * comes from the ledger in one grouped sum, not per invoice.
 */
export async function remindersDue(organizationId: string, today: CalendarDate): Promise<ReminderDue[]> {
  return withTenant(organizationId, async (tx) => {
    const invoices = await tx.duesInvoice.findMany({
      where: { organizationId, status: "OPEN", dueOn: { gte: asDate(addDays(today, -MAX_GRACE_DAYS - 1)), lte: asDate(addDays(today, REMINDER_DAYS_BEFORE)) } },
      select: {
        id: true,
        amountMinor: true,
        dueOn: true,
        plan: { select: { graceDays: true } },
        member: { select: { status: true, email: true } },
        reminders: { select: { stage: true } },
      },
      orderBy: { dueOn: "asc" },
    });
    const paid = await invoicesPaidMinor(tx, organizationId, invoices.map((i) => i.id));
    const due: ReminderDue[] = [];
    for (const invoice of invoices) {
      const facts = { status: "OPEN" as const, amountMinor: invoice.amountMinor, paidMinor: paid.get(invoice.id)!, dueOn: calendarDateOf(invoice.dueOn), graceDays: invoice.plan.graceDays };
      const stage = scheduledReminder(facts, today);
      if (!stage || invoice.reminders.some((r) => r.stage === stage)) continue;
      const skip = invoice.member.status !== "ACTIVE" ? "archived" : invoice.member.email ? null : "no-email";
      due.push({ invoiceId: invoice.id, stage, skip });
    }
    return due;
  });
}
