import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";
import { payInvoiceInput, paymentProgressInput } from "../schemas/invoice-payments";
import { MPESA_RESULT } from "../schemas/mpesa-callbacks";
import { payableInvoiceByLink, payableInvoiceForMember, type PayableInvoice } from "./payable-invoices";

/**
 * How an M-Pesa attempt on one invoice stands, for the page waiting on the
 * payer's phone. The caller has already established that the reader may pay
 * this invoice (payableInvoiceForMember: their own; payableInvoiceByLink: the
 * link's), and only that invoice's payments are looked at, so nobody reads
 * another person's attempt. Nothing but the state and the sentence for the payer.
 */
export type PaymentProgress = { state: "none" | "waiting" | "paid" | "cancelled" | "failed"; message: string | null };

const CANCELLED = MPESA_RESULT.get(1032);

export async function paymentProgress(invoice: PayableInvoice, paymentId: string | null): Promise<PaymentProgress> {
  const payment = await withTenant(invoice.organizationId, (tx) =>
    tx.payment.findFirst({
      where: { organizationId: invoice.organizationId, invoiceId: invoice.invoiceId, method: "MPESA", kind: "PAYMENT", ...(paymentId ? { id: paymentId } : {}) },
      orderBy: { createdAt: "desc" },
      select: { status: true, failureReason: true },
    }),
  );
  if (!payment) return { state: "none", message: null };
  return progressOf(payment);
}

/** One M-Pesa attempt's state and the sentence for the payer (invoices and donations alike). */
export function progressOf(payment: { status: "PENDING" | "SUCCEEDED" | "FAILED"; failureReason: string | null }): PaymentProgress {
  if (payment.status === "SUCCEEDED") return { state: "paid", message: MPESA_RESULT.get(0)! };
  if (payment.status === "PENDING") return { state: "waiting", message: null };
  const message = payment.failureReason ?? "M-Pesa could not complete the payment. Please try again.";
  return { state: message === CANCELLED ? "cancelled" : "failed", message };
}

function parsed<T>(schema: { safeParse(raw: unknown): { success: true; data: T } | { success: false } }, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw notFoundError();
  return result.data;
}

/** An attempt on the signed-in member's own invoice (a treasurer's: any); not found otherwise. */
export async function memberPaymentProgress(actor: Actor, invoiceId: string, query: unknown): Promise<PaymentProgress> {
  const invoice = await payableInvoiceForMember(actor, parsed(payInvoiceInput, { invoiceId }).invoiceId);
  return paymentProgress(invoice, parsed(paymentProgressInput, query).payment);
}

/** An attempt on the invoice a pay link names; an expired or altered link is simply not found. */
export async function linkPaymentProgress(organizationId: string, token: string, query: unknown): Promise<PaymentProgress> {
  const link = await payableInvoiceByLink(organizationId, token);
  if (!link.ok) throw notFoundError();
  return paymentProgress(link.invoice, parsed(paymentProgressInput, query).payment);
}
