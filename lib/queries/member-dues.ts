import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { calendarDateOf, type CalendarDate } from "../dues/calendar-date";
import { balanceMinor, invoiceState, type InvoiceState } from "../dues/invoice-state";
import { parsePeriodKey } from "../dues/periods";
import { notFoundError } from "../errors";
import { invoicesPaidMinor } from "./ledger";

/**
 * "My dues": the invoices addressed to the signed-in person's own member
 * record (Member.userId) and the payments on them. Scoped to that record
 * alone, whatever else the role may read; balances come from the ledger.
 */
export type MemberInvoice = {
  id: string;
  periodLabel: string;
  planName: string;
  dueOn: CalendarDate;
  amountMinor: number;
  paidMinor: number;
  balanceMinor: number;
  currency: string;
  state: InvoiceState;
  /** Open for payment now: issued, not void, something owed. */
  payable: boolean;
};

export type MemberPayment = {
  id: string;
  invoiceId: string | null;
  kind: "PAYMENT" | "REFUND";
  method: "CARD" | "MPESA" | "CASH" | "BANK";
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  amountMinor: number;
  currency: string;
  at: Date;
  failureReason: string | null;
};

export type MemberDues = { memberName: string | null; invoices: MemberInvoice[]; payments: MemberPayment[] };

const HISTORY_LENGTH = 50;

export async function memberDues(actor: Actor, now = new Date()): Promise<MemberDues> {
  if (!can(actor, "dues:own") || !actor.userId) throw notFoundError();
  const { organizationId, userId } = actor;
  return withTenant(organizationId, async (tx) => {
    const member = await tx.member.findFirst({ where: { organizationId, userId }, select: { id: true, firstName: true, lastName: true } });
    if (!member) return { memberName: null, invoices: [], payments: [] };
    const rows = await tx.duesInvoice.findMany({
      where: { organizationId, memberId: member.id, status: { not: "DRAFT" } },
      orderBy: [{ dueOn: "desc" }, { createdAt: "desc" }],
      select: { id: true, period: true, dueOn: true, amountMinor: true, currency: true, status: true, plan: { select: { name: true, graceDays: true } } },
    });
    const today = calendarDateOf(now);
    const paid = await invoicesPaidMinor(tx, organizationId, rows.map((r) => r.id));
    const invoices: MemberInvoice[] = [];
    for (const row of rows) {
      const paidMinor = paid.get(row.id)!;
      const facts = { status: row.status, amountMinor: row.amountMinor, paidMinor, dueOn: calendarDateOf(row.dueOn), graceDays: row.plan.graceDays };
      const balance = balanceMinor(facts);
      invoices.push({
        id: row.id,
        periodLabel: parsePeriodKey(row.period)?.label ?? row.period,
        planName: row.plan.name,
        dueOn: facts.dueOn,
        amountMinor: row.amountMinor,
        paidMinor,
        balanceMinor: balance,
        currency: row.currency,
        state: invoiceState(facts, today),
        payable: row.status === "OPEN" && balance > 0,
      });
    }
    const payments = await tx.payment.findMany({
      // Invoices' money only: welfare payouts (DISBURSEMENT) never carry an invoice.
      where: { organizationId, invoiceId: { in: rows.map((r) => r.id) }, kind: { in: ["PAYMENT", "REFUND"] } },
      orderBy: { createdAt: "desc" },
      take: HISTORY_LENGTH,
      select: { id: true, invoiceId: true, kind: true, method: true, status: true, amountMinor: true, currency: true, paidAt: true, createdAt: true, failureReason: true },
    });
    return {
      memberName: `${member.firstName} ${member.lastName}`,
      invoices,
      payments: payments.map(({ paidAt, createdAt, kind, ...p }) => ({ ...p, kind: kind === "REFUND" ? ("REFUND" as const) : ("PAYMENT" as const), at: paidAt ?? createdAt })),
    };
  });
}
