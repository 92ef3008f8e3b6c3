import type { TenantTx } from "../db/tenant";

/**
 * The ledger's one rule, in one place: what an invoice has been paid is its
 * succeeded payments less its succeeded refunds. No column stores it.
 * One grouped query for any number of invoices; an invoice with no rows has been paid 0.
 */
export async function invoicesPaidMinor(tx: TenantTx, organizationId: string, invoiceIds: string[]): Promise<Map<string, number>> {
  const sums = await tx.payment.groupBy({
    by: ["invoiceId", "kind"],
    where: { organizationId, invoiceId: { in: invoiceIds }, status: "SUCCEEDED" },
    _sum: { amountMinor: true },
  });
  const paid = new Map(invoiceIds.map((id) => [id, 0]));
  for (const row of sums) paid.set(row.invoiceId!, paid.get(row.invoiceId!)! + (row._sum.amountMinor ?? 0) * (row.kind === "REFUND" ? -1 : 1));
  return paid;
}

export async function invoicePaidMinor(tx: TenantTx, organizationId: string, invoiceId: string): Promise<number> {
  return (await invoicesPaidMinor(tx, organizationId, [invoiceId])).get(invoiceId)!;
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
