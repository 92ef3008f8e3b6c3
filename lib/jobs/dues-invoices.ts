import { systemActor } from "../authz/actor";
import { platformDbClient } from "../db/clients";
import { addDays, calendarDateOf } from "../dues/calendar-date";
import { periodContaining } from "../dues/periods";
import { isAppError } from "../errors";
import { logError, logEvent } from "../log";
import { ALREADY_ISSUED, issuePeriod } from "../services/dues";
import { defineJob } from "./registry";

/** Invoices go out this many days before their period starts, so members see them ahead of the due date. */
export const ISSUE_LEAD_DAYS = 30;

const JOB = "dues.issue-invoices";

/**
 * Every active organisation's active plans are invoiced for the period that
 * will be current ISSUE_LEAD_DAYS from today (Nairobi): the next one once it
 * is that close, otherwise the current one, which bills members enrolled
 * since it was issued. Through issuePeriod, as a system actor of each
 * organisation: its unique key (payer, plan, period) makes a second run issue
 * nothing. One organisation failing is logged and the others still run; the
 * job then fails, and pg-boss's retry finishes what is left.
 */
export async function issueDuesInvoices(): Promise<void> {
  const target = addDays(calendarDateOf(new Date(), "Africa/Nairobi"), ISSUE_LEAD_DAYS);
  const plans = await platformDbClient().duesPlan.findMany({
    where: { active: true, organization: { status: "ACTIVE" } },
    select: { id: true, organizationId: true, periodKind: true },
    orderBy: [{ organizationId: "asc" }, { createdAt: "asc" }],
  });
  const byOrganization = new Map<string, typeof plans>();
  for (const plan of plans) byOrganization.set(plan.organizationId, [...(byOrganization.get(plan.organizationId) ?? []), plan]);
  const failed: string[] = [];
  for (const [organizationId, orgPlans] of byOrganization) {
    const actor = systemActor(organizationId, "dues invoicing (scheduled)", ["dues:collect"]);
    let issued = 0;
    try {
      for (const plan of orgPlans) {
        try {
          issued += (await issuePeriod(actor, { planId: plan.id, period: periodContaining(plan.periodKind, target).key })).issued;
        } catch (error) {
          if (!(isAppError(error, "CONFLICT") && error.message === ALREADY_ISSUED)) throw error;
        }
      }
      logEvent("info", "dues invoices issued", { job: JOB, organizationId, plans: orgPlans.length, issued });
    } catch (error) {
      failed.push(organizationId);
      logError("dues invoicing failed for an organisation", error, { job: JOB, organizationId, plans: orgPlans.length, issued });
    }
  }
  if (failed.length > 0) throw new Error(`Dues invoicing failed in ${failed.length} organisation(s): ${failed.join(", ")}`);
}

export const duesInvoices = defineJob({ name: JOB, schedule: "0 3 * * *", run: issueDuesInvoices });
