import { daysBetween, type CalendarDate } from "./calendar-date";

/**
 * An invoice's state is derived, never stored: the stored status says only
 * whether it was issued or voided, payments live in the ledger, and the rest
 * follows from the calendar. Storing "overdue" would go stale at midnight.
 *
 * The rule, first match wins — a query that filters by state mirrors it
 * (paid = payments net of refunds; dates are days, compared as days):
 *
 *   1. status VOID                   → void
 *   2. status DRAFT                  → draft
 *   3. paid ≥ amount                 → paid
 *   4. today > dueOn + graceDays     → lapsed
 *   5. today > dueOn                 → overdue
 *   6. paid > 0                      → partially_paid
 *   7. otherwise                     → open
 *
 * So the due date itself is still on time, and with graceDays 0 the day after
 * it is already lapsed. The balance is amount − paid, never below 0, and 0
 * for a void invoice.
 */
export const INVOICE_STATES = ["draft", "open", "partially_paid", "paid", "overdue", "lapsed", "void"] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];

export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  draft: "Draft",
  open: "Open",
  partially_paid: "Partly paid",
  paid: "Paid",
  overdue: "Overdue",
  lapsed: "Lapsed",
  void: "Void",
};

export type InvoiceStatus = "DRAFT" | "OPEN" | "VOID";

export type InvoiceFacts = {
  status: InvoiceStatus;
  amountMinor: number;
  /** Payments net of refunds, from the ledger. */
  paidMinor: number;
  dueOn: CalendarDate;
  graceDays: number;
};

export function invoiceState(invoice: InvoiceFacts, today: CalendarDate): InvoiceState {
  if (invoice.status === "VOID") return "void";
  if (invoice.status === "DRAFT") return "draft";
  if (invoice.paidMinor >= invoice.amountMinor) return "paid";
  const daysLate = daysBetween(invoice.dueOn, today);
  if (daysLate > invoice.graceDays) return "lapsed";
  if (daysLate > 0) return "overdue";
  return invoice.paidMinor > 0 ? "partially_paid" : "open";
}

/** What is still owed on the invoice. */
export function balanceMinor(invoice: Pick<InvoiceFacts, "status" | "amountMinor" | "paidMinor">): number {
  if (invoice.status === "VOID") return 0;
  return Math.max(0, invoice.amountMinor - invoice.paidMinor);
}
