import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { indexMatch } from "../db/search-index";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** The payment with this M-Pesa receipt number, found through the blind index (the value is encrypted); null when none. */
export async function findPaymentByMpesaReceipt(actor: Actor, receiptNumber: string) {
  if (!can(actor, "dues:read")) throw notFoundError();
  const mpesaReceiptIndex = indexMatch(actor.organizationId, "mpesa-receipt", receiptNumber);
  if (!mpesaReceiptIndex) return null;
  return withTenant(actor.organizationId, (tx) =>
    tx.payment.findFirst({
      where: { mpesaReceiptIndex },
      select: { id: true, invoiceId: true, mpesaReceipt: true, payerPhone: true, amountMinor: true, currency: true, status: true, paidAt: true },
    }),
  );
}

/**
 * The STK payment a callback or status query is about, by its
 * CheckoutRequestID, for the provider settling it; null when this
 * organisation asked for no such push.
 */
export async function mpesaPaymentByCheckout(actor: Actor, checkoutRequestId: string) {
  if (!can(actor, "payments:settle")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.payment.findFirst({
      where: { organizationId: actor.organizationId, method: "MPESA", kind: "PAYMENT", reference: checkoutRequestId },
      select: { id: true, status: true, amountMinor: true, payerPhone: true },
    }),
  );
}

/** A welfare payout (B2C) by our OriginatorConversationID, for the provider settling it: its status. */
export async function mpesaPayoutByReference(actor: Actor, originatorConversationId: string) {
  if (!can(actor, "payments:settle")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.payment.findFirst({
      where: { organizationId: actor.organizationId, method: "MPESA", kind: "DISBURSEMENT", reference: originatorConversationId },
      select: { id: true, status: true },
    }),
  );
}
