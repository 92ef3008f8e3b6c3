import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { searchIndex } from "../db/search-index";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** The payment with this M-Pesa receipt number, found through the blind index; null when none. */
export async function findMpesaPayment(actor: Actor, receiptNumber: string) {
  if (!can(actor, "dues:read")) throw notFoundError();
  const receiptNumberIndex = searchIndex("mpesa-receipt", receiptNumber);
  if (!receiptNumberIndex) return null;
  return withTenant(actor.organizationId, (tx) =>
    tx.mpesaPayment.findFirst({
      where: { receiptNumberIndex },
      select: { id: true, receiptNumber: true, phone: true, amountMinor: true, paidAt: true },
    }),
  );
}
