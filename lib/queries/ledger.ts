import type { TenantTx } from "../db/tenant";

/**
 * The ledger's one rule, in one place: what an invoice has been paid is its
 * succeeded payments less its succeeded refunds. No column stores it.
 */
export async function invoicePaidMinor(tx: TenantTx, organizationId: string, invoiceId: string): Promise<number> {
  const sums = await tx.payment.groupBy({
    by: ["kind"],
    where: { organizationId, invoiceId, status: "SUCCEEDED" },
    _sum: { amountMinor: true },
  });
  const of = (kind: "PAYMENT" | "REFUND") => sums.find((s) => s.kind === kind)?._sum.amountMinor ?? 0;
  return of("PAYMENT") - of("REFUND");
}

/** The invoice a payment settles, with what it had been paid before: the "before" of the payment's audit entry. */
export async function invoiceBeforePayment(tx: TenantTx, organizationId: string, invoiceId: string) {
  const invoice = await tx.duesInvoice.findFirst({
    where: { id: invoiceId, organizationId },
    select: { id: true, status: true, amountMinor: true, currency: true, memberId: true, period: true },
  });
  if (!invoice) return null;
  return { ...invoice, paidMinor: await invoicePaidMinor(tx, organizationId, invoiceId) };
}
