import { createHash, timingSafeEqual } from "node:crypto";
import { auditDiff } from "../audit/redact";
import { systemActor, type Actor } from "../authz/actor";
import { PROVIDER_CAPABILITIES } from "../authz/capabilities";
import type { TenantTx } from "../db/tenant";
import { formatMoney } from "../dues/money";
import { env } from "../env";
import { conflictError, invalidError, isAppError, notFoundError } from "../errors";
import { logError, logEvent } from "../log";
import { darajaClient, DarajaError } from "../payments/daraja";
import { darajaCredential } from "../payments/credentials";
import { invoicePaidMinor } from "../queries/ledger";
import { findOrganizationBySlug } from "../queries/organizations";
import type { PayableInvoice } from "../queries/payable-invoices";
import { mpesaPaymentByCheckout } from "../queries/payments";
import { mpesaPhoneInput, requestMpesaPaymentInput } from "../schemas/dues";
import { mpesaResultMessage, rejectMpesaCallbackInput, settleMpesaFailedInput, settleMpesaPaidInput, stkCallbackBody, type StkPayment } from "../schemas/mpesa-callbacks";
import { parseHost } from "../tenancy/host";
import { emailReceipt, settleDonation } from "./donor-receipts";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

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

/** What an STK push asks for: the amount on the club's own paybill, and what the payer's M-Pesa message shows. */
export type StkRequest = { organizationId: string; amountMinor: number; currency: string; accountReference: string; description: string; logFields: Record<string, string> };

/**
 * An STK push to `phone` (already parsed by mpesaPhoneInput) on the club's own
 * paybill, shared by invoices and donations. `callbackOrigin` is the club's
 * own origin: the callback comes back to its subdomain.
 */
export async function pushStk(request: StkRequest, phone: string, callbackOrigin: string): Promise<{ checkoutRequestId: string; customerMessage: string }> {
  if (request.currency !== "KES") throw invalidError("M-Pesa takes Kenyan shillings only; please pay this invoice by card.");
  if (request.amountMinor % 100 !== 0) throw invalidError("M-Pesa takes whole shillings; please pay this balance by card.");
  const credential = await darajaCredential(request.organizationId);
  if (!credential) throw invalidError("This club does not take M-Pesa payments yet.");
  try {
    return await darajaClient({ baseUrl: env().DARAJA_BASE_URL, ...credential }).stkPush({
      amountMinor: request.amountMinor,
      phone,
      accountReference: request.accountReference,
      description: request.description,
      callbackUrl: `${callbackOrigin}/api/webhooks/mpesa/${credential.callbackToken}`,
    });
  } catch (error) {
    if (!(error instanceof DarajaError)) throw error;
    logError("mpesa stk push failed", error, { organizationId: request.organizationId, ...request.logFields });
    throw invalidError(UNAVAILABLE);
  }
}

/**
 * "Pay with M-Pesa": an STK push for the invoice's balance to the payer's
 * phone, then the pending ledger row. The caller has established who may pay
 * (lib/queries/payable-invoices.ts); `payer` is the member, or the pay-link
 * visitor as a system actor holding dues:own.
 */
export async function startMpesaPayment(payer: Actor, invoice: PayableInvoice, raw: unknown, callbackOrigin: string): Promise<{ paymentId: string; customerMessage: string }> {
  const parsed = mpesaPhoneInput.safeParse(raw);
  if (!parsed.success) throw invalidError("Please correct the highlighted fields.", { phone: [parsed.error.issues[0]!.message] });
  if (invoice.closed) throw invalidError(invoice.closed);
  const { phone } = parsed.data;
  const accepted = await pushStk(
    {
      organizationId: invoice.organizationId,
      amountMinor: invoice.balanceMinor,
      currency: invoice.currency,
      // What the payer's M-Pesa message and the club's statement show: the invoice's short id.
      accountReference: `INV${invoice.invoiceId.slice(0, 8).toUpperCase()}`,
      description: "Club dues",
      logFields: { invoiceId: invoice.invoiceId },
    },
    phone,
    callbackOrigin,
  );
  const { id } = await requestMpesaPayment(payer, { invoiceId: invoice.invoiceId, checkoutRequestId: accepted.checkoutRequestId, amountMinor: invoice.balanceMinor, phone });
  return { paymentId: id, customerMessage: accepted.customerMessage };
}

/** Who settles STK payments: the callback route (from the sender's address) and the reconciliation job, as the system actor `mpesa`. */
export const mpesaActor = (organizationId: string, ip: string | null = null): Actor => ({
  ...systemActor(organizationId, "mpesa", [...PROVIDER_CAPABILITIES.MPESA]),
  ip,
});

const ALREADY_SETTLED = "This M-Pesa payment is already settled.";
const RECEIPT_TAKEN = "This M-Pesa receipt is already recorded.";

type Settlement = {
  status: "SUCCEEDED" | "FAILED";
  mpesaReceipt?: string | null;
  rawPayload: string;
  failureReason?: string;
  paidAt?: Date;
};

/**
 * Moves the pending STK payment out of PENDING, exactly once. The status
 * changes in one conditional UPDATE: of two concurrent deliveries the second
 * waits on the first's row lock, then finds nothing pending and is refused
 * (CONFLICT, rolled back, no audit entry). A receipt number already on the
 * ledger is refused the same way, through its unique blind index.
 */
async function settlePending(tx: TenantTx, organizationId: string, checkoutRequestId: string, settlement: Settlement, expectedMinor?: number) {
  const payment = await tx.payment.findFirst({
    where: { organizationId, method: "MPESA", kind: "PAYMENT", reference: checkoutRequestId, OR: [{ invoiceId: { not: null } }, { donationId: { not: null } }] },
    select: { id: true, invoiceId: true, donationId: true, status: true, amountMinor: true },
  });
  if (!payment) throw notFoundError();
  if (payment.status !== "PENDING") throw conflictError(ALREADY_SETTLED);
  if (expectedMinor !== undefined && expectedMinor !== payment.amountMinor) throw invalidError("The amount paid is not the amount asked for.");
  const paidBefore = payment.invoiceId ? await invoicePaidMinor(tx, organizationId, payment.invoiceId) : 0;
  const { status, paidAt, ...fields } = settlement;
  const { count } = await tx.payment.updateMany({ where: { id: payment.id, status: "PENDING" }, data: { status, paidAt } });
  if (count === 0) throw conflictError(ALREADY_SETTLED);
  await tx.payment.update({ where: { id: payment.id, organizationId }, data: fields, select: { id: true } }).catch(onUniqueViolation({ mpesa_receipt_index: ["receiptNumber", RECEIPT_TAKEN] }));
  const unset = { status: "PENDING", mpesaReceipt: null, rawPayload: null, failureReason: null, paidAt: null };
  const diff = auditDiff("Payment", unset, { ...unset, ...settlement });
  const before = { payment: { id: payment.id, ...diff.before } };
  const after = { payment: { id: payment.id, ...diff.after } };
  if (payment.donationId) {
    // A donation's money: the donation is received (and its receipt issued in this transaction) or failed.
    const donation = await settleDonation(tx, organizationId, payment.donationId, status === "SUCCEEDED" ? { paidAt: paidAt ?? new Date() } : null);
    return {
      payment,
      invoiceId: null,
      donationId: payment.donationId,
      receiptId: donation.receipt?.id ?? null,
      audit: { targetType: "Donation", targetId: payment.donationId, before: { ...before, status: "PENDING" }, after: { ...after, status: donation.status, receipt: donation.receipt?.number ?? null } },
    };
  }
  const invoiceId = payment.invoiceId!;
  const paidAfter = paidBefore + (status === "SUCCEEDED" ? payment.amountMinor : 0);
  return {
    payment,
    invoiceId,
    donationId: null,
    receiptId: null,
    audit: { targetType: "DuesInvoice", targetId: invoiceId, before: { paidMinor: paidBefore, ...before }, after: { paidMinor: paidAfter, ...after } },
  };
}

/**
 * M-Pesa says the payer paid what was asked (ResultCode 0, or the status
 * query's 0 after a timeout): the payment succeeds, with its encrypted
 * receipt number, when it was paid, and the raw answer kept encrypted.
 */
export const settleMpesaPaid = defineMutation({
  action: "payment.mpesa_paid",
  capability: "payments:settle",
  input: settleMpesaPaidInput,
  run: async (tx, input, actor) => {
    const settled = await settlePending(
      tx,
      actor.organizationId,
      input.checkoutRequestId,
      { status: "SUCCEEDED", mpesaReceipt: input.receiptNumber, paidAt: input.paidAt, rawPayload: input.rawPayload },
      input.amountMinor,
    );
    const how = input.receiptNumber ? "confirmed by M-Pesa" : "confirmed by the M-Pesa status query";
    return {
      result: { id: settled.payment.id, invoiceId: settled.invoiceId, donationId: settled.donationId, receiptId: settled.receiptId },
      audit: { summary: `M-Pesa payment ${how}`, ...settled.audit },
    };
  },
});

/** M-Pesa says the payment did not happen (cancelled, insufficient funds, wrong PIN…), or it never answered in time. */
export const settleMpesaFailed = defineMutation({
  action: "payment.mpesa_failed",
  capability: "payments:settle",
  input: settleMpesaFailedInput,
  run: async (tx, input, actor) => {
    const settled = await settlePending(tx, actor.organizationId, input.checkoutRequestId, { status: "FAILED", failureReason: input.reason, rawPayload: input.rawPayload });
    const code = input.resultCode === null ? "no final answer" : `ResultCode ${input.resultCode}`;
    return { result: { id: settled.payment.id, invoiceId: settled.invoiceId }, audit: { summary: `M-Pesa payment failed (${code})`, ...settled.audit } };
  },
});

/**
 * A "paid" callback that does not match the pending payment (another amount,
 * another phone): nothing is credited. The payment is closed as failed with
 * the reason, and its receipt and raw callback are kept (encrypted) so the
 * treasurer can settle it by hand and the receipt can never be credited twice.
 */
export const rejectMpesaCallback = defineMutation({
  action: "payment.mpesa_rejected",
  capability: "payments:settle",
  input: rejectMpesaCallbackInput,
  run: async (tx, input, actor) => {
    const settled = await settlePending(tx, actor.organizationId, input.checkoutRequestId, {
      status: "FAILED",
      mpesaReceipt: input.receiptNumber,
      failureReason: input.reason,
      rawPayload: input.rawPayload,
    });
    return { result: { id: settled.payment.id, invoiceId: settled.invoiceId }, audit: { summary: `M-Pesa callback rejected: ${input.reason}`, ...settled.audit } };
  },
});

/** What became of one callback; the route answers 400 for `malformed` and 200 for everything else. */
export type MpesaCallbackOutcome = "paid" | "failed" | "rejected" | "pending" | "duplicate" | "unknown" | "malformed";

/** ResultCode 1037: the phone could not be reached in time, yet the payer may still have paid. */
const TIMED_OUT = 1037;

/**
 * One STK callback for an organisation, applied at most once: validated on
 * Body.stkCallback, matched by CheckoutRequestID, its metadata read by item
 * name, the amount and the paying phone checked against the pending payment.
 * Anything that must change nothing (unknown checkout, replay, concurrent
 * duplicate, a receipt already recorded, a timeout) changes nothing and
 * leaves a log line; every settlement leaves an audit entry by `mpesa`,
 * with the sender's address.
 */
export async function settleMpesaCallback(organizationId: string, body: unknown, from: { ip: string | null } = { ip: null }): Promise<MpesaCallbackOutcome> {
  const parsed = stkCallbackBody.safeParse(body);
  if (!parsed.success) {
    logEvent("warn", "mpesa callback malformed: ignored", { organizationId, issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) });
    return "malformed";
  }
  const callback = parsed.data;
  const { checkoutRequestId, resultCode } = callback;
  const context = { organizationId, checkoutRequestId, resultCode };
  const actor = mpesaActor(organizationId, from.ip);
  const payment = await mpesaPaymentByCheckout(actor, checkoutRequestId);
  if (!payment) {
    logEvent("warn", "mpesa callback for an unknown CheckoutRequestID: ignored", context);
    return "unknown";
  }
  if (payment.status !== "PENDING") {
    // "Paid" for a payment already closed as failed (e.g. expired by the reconcile job) is money to look at by hand.
    if (callback.payment && payment.status === "FAILED") logEvent("warn", "mpesa paid callback for a payment already closed as failed: ignored, check it by hand", context);
    else logEvent("info", "mpesa callback for a payment already settled: ignored", context);
    return "duplicate";
  }
  if (resultCode === TIMED_OUT) {
    logEvent("info", "mpesa callback timed out: the payment stays pending for the status query", context);
    return "pending";
  }
  const rawPayload = JSON.stringify(body);
  try {
    if (!callback.payment) {
      await settleMpesaFailed(actor, { checkoutRequestId, resultCode, reason: mpesaResultMessage(resultCode), rawPayload });
      return "failed";
    }
    const mismatch = mismatchOf(payment, callback.payment);
    if (mismatch) {
      await rejectMpesaCallback(actor, { checkoutRequestId, receiptNumber: callback.payment.receiptNumber, reason: mismatch, rawPayload });
      logEvent("warn", "mpesa callback rejected: nothing credited", { ...context, reason: mismatch });
      return "rejected";
    }
    const { receiptNumber, amountMinor, transactionDate } = callback.payment;
    const paid = await settleMpesaPaid(actor, { checkoutRequestId, receiptNumber, amountMinor, paidAt: transactionDate ?? new Date(), rawPayload });
    if (paid.receiptId) await emailReceipt(organizationId, paid.receiptId);
    return "paid";
  } catch (error) {
    if (!isAppError(error, "CONFLICT")) throw error;
    logEvent("info", "mpesa callback duplicate (payment or receipt already settled): ignored", context);
    return "duplicate";
  }
}

/** Why a "paid" callback is not the payment asked for; null when it is. Never names the phone. */
function mismatchOf(pending: { amountMinor: number; payerPhone: string | null }, paid: StkPayment): string | null {
  if (paid.amountMinor !== pending.amountMinor) {
    return `M-Pesa reports ${formatMoney(paid.amountMinor, "KES")} paid, but ${formatMoney(pending.amountMinor, "KES")} was asked for.`;
  }
  if (paid.phone && pending.payerPhone && paid.phone !== pending.payerPhone) return "M-Pesa reports the payment from another phone than the one asked.";
  return null;
}

/**
 * The organisation an M-Pesa callback is for: the club whose subdomain it
 * was posted to, when the path's token is that club's own callback token
 * (compared in constant time, over digests so the length leaks nothing
 * either). Null otherwise, whatever the reason, so a wrong token, an unknown
 * club and a club without M-Pesa look the same.
 */
export async function mpesaCallbackOrganization(host: string | null, token: string): Promise<string | null> {
  const site = parseHost(host, env().APP_ROOT_DOMAIN);
  if (site.kind !== "tenant") return null;
  const organization = await findOrganizationBySlug(site.slug);
  const credential = organization && (await darajaCredential(organization.id));
  if (!organization || !credential) return null;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(token), digest(credential.callbackToken)) ? organization.id : null;
}
