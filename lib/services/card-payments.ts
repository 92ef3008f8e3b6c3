import { randomUUID } from "node:crypto";
import { formatMoney } from "../dues/money";
import { env } from "../env";
import { invalidError } from "../errors";
import { logError } from "../log";
import { stripeCredential } from "../payments/credentials";
import { createCheckoutSession, stripeClient } from "../payments/stripe";
import type { PayableInvoice } from "../queries/payable-invoices";

const UNAVAILABLE = "Card payments are unavailable right now. Please try M-Pesa, or try again in a few minutes.";

/**
 * "Pay by card": a Stripe Checkout Session on the club's own account for the
 * invoice's balance. Nothing is recorded here: the payment enters the ledger
 * when Stripe's signed webhook says it succeeded (lib/services/card-settlements.ts).
 * The caller has already established who may pay (lib/queries/payable-invoices.ts).
 */
export async function startCardPayment(invoice: PayableInvoice, urls: { successUrl: string; cancelUrl: string }): Promise<{ url: string }> {
  if (invoice.closed) throw invalidError(invoice.closed);
  const credential = await stripeCredential(invoice.organizationId);
  if (!credential) throw invalidError("This club does not take card payments yet.");
  try {
    return await createCheckoutSession(stripeClient(credential.secretKey, { apiBase: env().STRIPE_API_BASE }), {
      organizationId: invoice.organizationId,
      subject: { invoiceId: invoice.invoiceId },
      amountMinor: invoice.balanceMinor,
      currency: invoice.currency,
      description: `Dues, ${invoice.periodLabel} (${formatMoney(invoice.balanceMinor, invoice.currency)})`,
      successUrl: urls.successUrl,
      cancelUrl: urls.cancelUrl,
      attemptId: randomUUID(),
    });
  } catch (error) {
    logError("stripe checkout session failed", error, { organizationId: invoice.organizationId, invoiceId: invoice.invoiceId });
    throw invalidError(UNAVAILABLE);
  }
}
