import { auditDiff } from "../audit/redact";
import type { Actor } from "../authz/actor";
import { env } from "../env";
import { invalidError, notFoundError } from "../errors";
import { logError } from "../log";
import { darajaClient, DarajaError } from "../payments/daraja";
import { darajaCredential } from "../payments/credentials";
import type { PayableInvoice } from "../queries/payable-invoices";
import { mpesaPhoneInput, requestMpesaPaymentInput } from "../schemas/dues";
import { defineMutation } from "./mutation";

const UNAVAILABLE = "M-Pesa is not answering right now. Please try again in a few minutes, or pay by card.";

/**
 * The pending payment an STK push leaves: the ledger row the callback (or the
 * status query) settles, found by its CheckoutRequestID. Recorded by whoever
 * asked for the push, with the payer's phone encrypted.
 */
export const requestMpesaPayment = defineMutation({
  action: "payment.mpesa_requested",
  capability: "dues:own",
  input: requestMpesaPaymentInput,
  run: async (tx, input, actor) => {
    const invoice = await tx.duesInvoice.findFirst({ where: { id: input.invoiceId, organizationId: actor.organizationId, status: "OPEN" }, select: { id: true, currency: true } });
    if (!invoice) throw notFoundError();
    const payment = await tx.payment.create({
      data: {
        organizationId: actor.organizationId,
        invoiceId: invoice.id,
        method: "MPESA",
        status: "PENDING",
        amountMinor: input.amountMinor,
        currency: invoice.currency,
        reference: input.checkoutRequestId,
        payerPhone: input.phone,
      },
      select: { id: true, status: true, amountMinor: true, reference: true, payerPhone: true },
    });
    const { id, ...after } = payment;
    return {
      result: { id },
      audit: { summary: "M-Pesa payment requested on the payer's phone", targetType: "DuesInvoice", targetId: invoice.id, after: { payment: { id, ...auditDiff("Payment", null, after).after } } },
    };
  },
});

/**
 * "Pay with M-Pesa": an STK push for the invoice's balance to the payer's
 * phone on the club's own paybill, then the pending ledger row. The caller has
 * established who may pay (lib/queries/payable-invoices.ts); `payer` is the
 * member, or the pay-link visitor as a system actor holding dues:own.
 * `callbackOrigin` is the club's own origin: the callback comes back to its subdomain.
 */
export async function startMpesaPayment(payer: Actor, invoice: PayableInvoice, raw: unknown, callbackOrigin: string): Promise<{ paymentId: string; customerMessage: string }> {
  const parsed = mpesaPhoneInput.safeParse(raw);
  if (!parsed.success) throw invalidError("Please correct the highlighted fields.", { phone: [parsed.error.issues[0]!.message] });
  if (invoice.closed) throw invalidError(invoice.closed);
  if (invoice.currency !== "KES") throw invalidError("M-Pesa takes Kenyan shillings only; please pay this invoice by card.");
  if (invoice.balanceMinor % 100 !== 0) throw invalidError("M-Pesa takes whole shillings; please pay this balance by card.");
  const credential = await darajaCredential(invoice.organizationId);
  if (!credential) throw invalidError("This club does not take M-Pesa payments yet.");
  const { phone } = parsed.data;
  let accepted;
  try {
    accepted = await darajaClient({ baseUrl: env().DARAJA_BASE_URL, ...credential }).stkPush({
      amountMinor: invoice.balanceMinor,
      phone,
      // What the payer's M-Pesa message and the club's statement show: the invoice's short id.
      accountReference: `INV${invoice.invoiceId.slice(0, 8).toUpperCase()}`,
      description: "Club dues",
      callbackUrl: `${callbackOrigin}/api/webhooks/mpesa/${credential.callbackToken}`,
    });
  } catch (error) {
    if (!(error instanceof DarajaError)) throw error;
    logError("mpesa stk push failed", error, { organizationId: invoice.organizationId, invoiceId: invoice.invoiceId });
    throw invalidError(UNAVAILABLE);
  }
  const { id } = await requestMpesaPayment(payer, { invoiceId: invoice.invoiceId, checkoutRequestId: accepted.checkoutRequestId, amountMinor: invoice.balanceMinor, phone });
  return { paymentId: id, customerMessage: accepted.customerMessage };
}
