import { withTenant } from "../db/tenant";
import type { DarajaCredential, StripeCredential } from "../schemas/payment-credentials";

/**
 * An organisation's provider account, decrypted, for the server code that
 * calls the provider or checks its signatures (checkout, STK push, webhooks).
 * Never returned to a page. Null when the organisation has not connected it.
 */
async function credential(organizationId: string, provider: "STRIPE" | "MPESA_DARAJA"): Promise<unknown> {
  const row = await withTenant(organizationId, (tx) =>
    tx.paymentCredential.findUnique({ where: { organizationId_provider: { organizationId, provider } }, select: { secret: true } }),
  );
  return row ? JSON.parse(row.secret) : null;
}

export const stripeCredential = (organizationId: string) => credential(organizationId, "STRIPE") as Promise<StripeCredential | null>;
export const darajaCredential = (organizationId: string) => credential(organizationId, "MPESA_DARAJA") as Promise<DarajaCredential | null>;
