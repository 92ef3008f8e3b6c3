import { systemActor } from "../authz/actor";
import { platformDbClient } from "../db/clients";
import { calendarDateOf } from "../dues/calendar-date";
import { isAppError } from "../errors";
import { logError, logEvent } from "../log";
import { remindersDue } from "../queries/dues-reminders";
import { sendDuesReminder } from "../services/dues-reminders";
import { defineJob } from "./registry";

const JOB = "dues.send-reminders";

/**
 * Emails each payer whose invoice is due within a week or overdue
 * (lib/dues/reminder-stage.ts), once per stage, in every active organisation,
 * as a system actor of each. Members without an email address and archived
 * members are skipped and counted. One organisation failing is logged and the
 * others still run; the job then fails and pg-boss retries it, which sends
 * only what was not sent.
 */
export async function sendDuesReminders(): Promise<void> {
  const today = calendarDateOf(new Date(), "Africa/Nairobi");
  const organizations = await platformDbClient().organization.findMany({ where: { status: "ACTIVE", duesPlans: { some: {} } }, select: { id: true }, orderBy: { id: "asc" } });
  const failed: string[] = [];
  for (const { id: organizationId } of organizations) {
    const counts = { sent: 0, alreadySent: 0, skippedNoEmail: 0, skippedArchived: 0 };
    try {
      const actor = systemActor(organizationId, "dues reminders (scheduled)", ["dues:collect"]);
      for (const due of await remindersDue(organizationId, today)) {
        if (due.skip === "no-email") counts.skippedNoEmail++;
        else if (due.skip === "archived") counts.skippedArchived++;
        else {
          try {
            await sendDuesReminder(actor, { invoiceId: due.invoiceId });
            counts.sent++;
          } catch (error) {
            // Another run sent it first.
            if (!isAppError(error, "CONFLICT")) throw error;
            counts.alreadySent++;
          }
        }
      }
      logEvent("info", "dues reminders sent", { job: JOB, organizationId, ...counts });
    } catch (error) {
      failed.push(organizationId);
      logError("dues reminders failed for an organisation", error, { job: JOB, organizationId, ...counts });
    }
  }
  if (failed.length > 0) throw new Error(`Dues reminders failed in ${failed.length} organisation(s): ${failed.join(", ")}`);
}

export const duesReminders = defineJob({ name: JOB, schedule: "0 4 * * *", run: sendDuesReminders });
