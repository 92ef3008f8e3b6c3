import type { TenantTx } from "../db/tenant";
import { calendarDateOf } from "../dues/calendar-date";
import { dueDate, parsePeriodKey, periodContaining, type DuesPeriodKind } from "../dues/periods";
import { conflictError, invalidError, notFoundError } from "../errors";
import { issueInvoiceInput, issuePeriodInput, openInvoiceInput, voidInvoiceInput } from "../schemas/dues";
import { invoicePaidMinor } from "../queries/ledger";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

/**
 * Dues invoices: one per payer, plan and period (a unique key, so issuing
 * twice never bills twice), covering the payer's bundle. What is paid is
 * derived from the ledger (lib/services/ledger.ts); what is left unpaid is arrears.
 */
export const ALREADY_ISSUED = "Every invoice for that period is already issued.";

async function activePlan(tx: TenantTx, organizationId: string, planId: string) {
  const plan = await tx.duesPlan.findFirst({
    where: { id: planId, organizationId, active: true },
    select: { id: true, name: true, amountMinor: true, currency: true, periodKind: true, dueDays: true },
  });
  if (!plan) throw notFoundError();
  return plan;
}

/** The named period (which must be of the plan's kind), or the one containing today. */
function planPeriod(kind: DuesPeriodKind, key: string | undefined) {
  if (!key) return periodContaining(kind, calendarDateOf(new Date(), "Africa/Nairobi"));
  const period = parsePeriodKey(key);
  if (!period || period.kind !== kind) throw invalidError("That period does not fit the plan.", { period: [`This plan invoices ${kind.toLowerCase().replace("_", "-")}`] });
  return period;
}

const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

export const issueInvoice = defineMutation({
  action: "dues.issue",
  capability: "dues:collect",
  input: issueInvoiceInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const plan = await activePlan(tx, organizationId, input.planId);
    const period = planPeriod(plan.periodKind, input.period);
    const payer = await tx.member.findFirst({ where: { id: input.memberId, organizationId, status: "ACTIVE" }, select: { id: true } });
    if (!payer) throw notFoundError();
    const bundle = await tx.duesEnrolment.findMany({ where: { organizationId, planId: plan.id, payerId: payer.id }, select: { memberId: true } });
    const coveredMemberIds = [...new Set([payer.id, ...bundle.map((e) => e.memberId)])];
    const invoice = await tx.duesInvoice
      .create({
        data: {
          organizationId,
          memberId: payer.id,
          planId: plan.id,
          period: period.key,
          periodStart: asDate(period.start),
          dueOn: asDate(dueDate(period, plan.dueDays)),
          amountMinor: plan.amountMinor,
          currency: plan.currency,
          coveredMemberIds,
          status: input.draft ? "DRAFT" : "OPEN",
          createdById: actor.userId,
        },
        select: { id: true, memberId: true, period: true, amountMinor: true, currency: true, status: true, dueOn: true },
      })
      .catch(onUniqueViolation({ period: ["period", "This member already has an invoice on this plan for that period"] }));
    const { id, ...after } = invoice;
    return {
      result: invoice,
      audit: { summary: `Dues invoice issued for ${period.label}`, targetType: "DuesInvoice", targetId: id, after: { ...after, planId: plan.id, covers: coveredMemberIds.length } },
    };
  },
});

/**
 * Every payer's invoice on a plan for one period: the scheduled run and the
 * treasurer's "issue now". Invoices that exist are skipped by their unique key,
 * so a second run issues nothing and is refused with ALREADY_ISSUED (no entry).
 */
export const issuePeriod = defineMutation({
  action: "dues.issue_period",
  capability: "dues:collect",
  input: issuePeriodInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const plan = await activePlan(tx, organizationId, input.planId);
    const period = planPeriod(plan.periodKind, input.period);
    const enrolments = await tx.duesEnrolment.findMany({
      where: { organizationId, planId: plan.id, member: { status: "ACTIVE" } },
      select: { memberId: true, payerId: true },
      orderBy: { createdAt: "asc" },
    });
    const bundles = new Map<string, string[]>();
    for (const { memberId, payerId } of enrolments) bundles.set(payerId, [...(bundles.get(payerId) ?? [payerId]), ...(memberId === payerId ? [] : [memberId])]);
    const created = await tx.duesInvoice.createManyAndReturn({
      data: [...bundles].map(([payerId, coveredMemberIds]) => ({
        organizationId,
        memberId: payerId,
        planId: plan.id,
        period: period.key,
        periodStart: asDate(period.start),
        dueOn: asDate(dueDate(period, plan.dueDays)),
        amountMinor: plan.amountMinor,
        currency: plan.currency,
        coveredMemberIds,
        createdById: actor.userId,
      })),
      skipDuplicates: true,
      select: { id: true },
    });
    if (created.length === 0) throw conflictError(ALREADY_ISSUED);
    return {
      result: { period: period.key, issued: created.length },
      audit: {
        summary: `${created.length} dues invoice${created.length === 1 ? "" : "s"} issued on "${plan.name}" for ${period.label}`,
        targetType: "DuesPlan",
        targetId: plan.id,
        after: { period: period.key, issued: created.length, invoiceIds: created.map((i) => i.id) },
      },
    };
  },
});

/** A draft becomes payable. */
export const openInvoice = defineMutation({
  action: "dues.open",
  capability: "dues:collect",
  input: openInvoiceInput,
  run: async (tx, { invoiceId }, actor) => {
    const invoice = await tx.duesInvoice.findFirst({ where: { id: invoiceId, organizationId: actor.organizationId }, select: { id: true, status: true } });
    if (!invoice) throw notFoundError();
    if (invoice.status !== "DRAFT") throw invalidError("Only a draft can be opened.");
    await tx.duesInvoice.update({ where: { id: invoice.id }, data: { status: "OPEN" } });
    return { result: { id: invoice.id }, audit: { summary: "Dues invoice opened", targetType: "DuesInvoice", targetId: invoice.id, before: { status: "DRAFT" }, after: { status: "OPEN" } } };
  },
});

/** Void, with a reason. An invoice with money on it is refunded first, so the ledger never holds money for a void invoice. */
export const voidInvoice = defineMutation({
  action: "dues.void",
  capability: "dues:collect",
  input: voidInvoiceInput,
  run: async (tx, { invoiceId, reason }, actor) => {
    const invoice = await tx.duesInvoice.findFirst({ where: { id: invoiceId, organizationId: actor.organizationId }, select: { id: true, status: true } });
    if (!invoice) throw notFoundError();
    if (invoice.status === "VOID") throw invalidError("This invoice is already void.");
    const [paidMinor, pending] = await Promise.all([
      invoicePaidMinor(tx, actor.organizationId, invoice.id),
      tx.payment.count({ where: { organizationId: actor.organizationId, invoiceId: invoice.id, status: "PENDING" } }),
    ]);
    if (paidMinor > 0) throw invalidError("Money has been paid on this invoice: refund it before voiding.", { reason: ["Refund the payments first"] });
    if (pending > 0) throw invalidError("A payment on this invoice is still in progress.", { reason: ["Wait for the payment in progress"] });
    await tx.duesInvoice.update({ where: { id: invoice.id }, data: { status: "VOID", voidReason: reason, voidedAt: new Date() } });
    return {
      result: { id: invoice.id },
      audit: { summary: "Dues invoice voided", targetType: "DuesInvoice", targetId: invoice.id, before: { status: invoice.status }, after: { status: "VOID", reason } },
    };
  },
});
