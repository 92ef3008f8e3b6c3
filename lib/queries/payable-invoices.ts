import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { balanceMinor } from "../dues/invoice-state";
import { verifyPayLink } from "../dues/pay-link";
import { parsePeriodKey } from "../dues/periods";
import { env } from "../env";
import { notFoundError } from "../errors";
import { invoicePaidMinor } from "./ledger";

/**
 * An invoice someone is about to pay, and who may: the member it is addressed
 * to (or a treasurer) signed in, or anyone holding its signed pay link. Only
 * what a payment page shows: the payer's first name, never their contacts.
 */
export type PayableInvoice = {
  organizationId: string;
  invoiceId: string;
  periodLabel: string;
  payerFirstName: string;
  amountMinor: number;
  currency: string;
  paidMinor: number;
  balanceMinor: number;
  /** Why it cannot be paid now (void, draft, paid in full); null when it can. */
  closed: string | null;
};

async function payable(organizationId: string, invoiceId: string, userId: string | null): Promise<PayableInvoice | null> {
  return withTenant(organizationId, async (tx) => {
    const invoice = await tx.duesInvoice.findFirst({
      where: { id: invoiceId, organizationId, ...(userId ? { member: { userId } } : {}) },
      select: { id: true, status: true, period: true, amountMinor: true, currency: true, member: { select: { firstName: true } } },
    });
    if (!invoice) return null;
    const paidMinor = await invoicePaidMinor(tx, organizationId, invoice.id);
    const balance = balanceMinor({ status: invoice.status, amountMinor: invoice.amountMinor, paidMinor });
    const closed =
      invoice.status === "VOID" ? "This invoice was cancelled." : invoice.status === "DRAFT" ? "This invoice is not issued yet." : balance === 0 ? "This invoice is paid in full." : null;
    return {
      organizationId,
      invoiceId: invoice.id,
      periodLabel: parsePeriodKey(invoice.period)?.label ?? invoice.period,
      payerFirstName: invoice.member.firstName,
      amountMinor: invoice.amountMinor,
      currency: invoice.currency,
      paidMinor,
      balanceMinor: balance,
      closed,
    };
  });
}

/** A signed-in member's own invoice (a treasurer may open any); not found otherwise. */
export async function payableInvoiceForMember(actor: Actor, invoiceId: string): Promise<PayableInvoice> {
  const anyInvoice = can(actor, "dues:collect");
  if (!anyInvoice && !(can(actor, "dues:own") && actor.userId)) throw notFoundError();
  const invoice = await payable(actor.organizationId, invoiceId, anyInvoice ? null : actor.userId);
  if (!invoice) throw notFoundError();
  return invoice;
}

/** The invoice a pay link names, when the link is this organisation's, unaltered and unexpired. */
export async function payableInvoiceByLink(
  organizationId: string,
  token: string,
): Promise<{ ok: true; invoice: PayableInvoice } | { ok: false; reason: "expired" | "invalid" }> {
  const link = await verifyPayLink(token, { organizationId, secret: env().AUTH_SECRET });
  if (!link.ok) return link;
  const invoice = await payable(organizationId, link.invoiceId, null);
  return invoice ? { ok: true, invoice } : { ok: false, reason: "invalid" };
}
