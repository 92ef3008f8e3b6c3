import { auditDiff } from "../audit/redact";
import { systemActor, type Actor } from "../authz/actor";
import { indexMatch } from "../db/search-index";
import type { TenantTx } from "../db/tenant";
import { env } from "../env";
import { AppError, conflictError, invalidError, notFoundError } from "../errors";
import { logError, logEvent } from "../log";
import { darajaCredential, stripeCredential } from "../payments/credentials";
import { createCheckoutSession, stripeClient } from "../payments/stripe";
import { consume, retryWording } from "../ratelimit/limits";
import { mpesaPhoneInput } from "../schemas/dues";
import { publicDonationInput, recordDonationInput, requestDonationPaymentInput } from "../schemas/donations";
import { emailReceipt, issueReceipt } from "./donor-receipts";
import { pushStk } from "./mpesa-payments";
import { afterCommit, defineMutation } from "./mutation";

/**
 * Donations. Money arrives through the payments ledger like dues: a
 * treasurer records cash or a bank transfer (a succeeded `payment` row naming
 * the donation), or a visitor gives by M-Pesa on the club's public page (a
 * pending row the callback settles, lib/services/mpesa-payments.ts) or by
 * card through Stripe Checkout (settled by Stripe's signed webhook,
 * lib/services/card-settlements.ts). A gift
 * in kind has a value and a description and no ledger row. A received
 * donation gets its receipt in the same transaction (donor-receipts.ts).
 */
type DonorFields = { name: string; email?: string | null; phone?: string | null; address?: string | null };

/**
 * The donor a gift is from: a returning donor is found by the email's blind
 * index, else the phone's, and reused (their missing details filled in, none
 * overwritten); otherwise a new donor. Every value is stored encrypted.
 */
async function donorFor(tx: TenantTx, organizationId: string, fields: DonorFields, createdById: string | null): Promise<{ id: string; returning: boolean }> {
  const emailIndex = fields.email ? indexMatch(organizationId, "email", fields.email) : null;
  const phoneIndex = fields.phone ? indexMatch(organizationId, "phone", fields.phone) : null;
  const existing =
    (emailIndex && (await tx.donor.findFirst({ where: { organizationId, emailIndex }, orderBy: { createdAt: "asc" }, select: { id: true, email: true, phone: true, address: true } }))) ||
    (phoneIndex && (await tx.donor.findFirst({ where: { organizationId, phoneIndex }, orderBy: { createdAt: "asc" }, select: { id: true, email: true, phone: true, address: true } })));
  if (existing) {
    const fill = {
      ...(!existing.email && fields.email ? { email: fields.email } : {}),
      ...(!existing.phone && fields.phone ? { phone: fields.phone } : {}),
      ...(!existing.address && fields.address ? { address: fields.address } : {}),
    };
    if (Object.keys(fill).length > 0) await tx.donor.update({ where: { id: existing.id, organizationId }, data: fill, select: { id: true } });
    return { id: existing.id, returning: true };
  }
  const donor = await tx.donor.create({
    data: { organizationId, name: fields.name, email: fields.email ?? null, phone: fields.phone ?? null, address: fields.address ?? null, createdById },
    select: { id: true },
  });
  return { id: donor.id, returning: false };
}

const noon = (day: string) => new Date(`${day}T12:00:00Z`);

/**
 * A gift the treasurer received by hand (cash, bank, in kind): the donor,
 * the donation received, its ledger row (not for a gift in kind) and its
 * receipt, in one transaction.
 */
export const recordDonationEntry = defineMutation({
  action: "donation.record",
  capability: "donations:write",
  input: recordDonationInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const donor = await donorFor(tx, organizationId, input, actor.userId);
    const receivedAt = noon(input.receivedOn);
    const donation = await tx.donation.create({
      data: {
        organizationId,
        donorId: donor.id,
        amountMinor: input.amountMinor,
        currency: input.currency,
        method: input.method,
        status: "RECEIVED",
        fund: input.fund ?? null,
        description: input.description ?? null,
        reference: input.reference ?? null,
        receivedAt,
        recordedById: actor.userId,
      },
      select: { id: true, amountMinor: true, currency: true, method: true, fund: true, reference: true, receivedAt: true },
    });
    if (input.method !== "IN_KIND") {
      await tx.payment.create({
        data: {
          organizationId,
          donationId: donation.id,
          method: input.method,
          status: "SUCCEEDED",
          amountMinor: input.amountMinor,
          currency: input.currency,
          // The ledger's reference is unique per method: the donation's id keeps two gifts without one apart.
          reference: input.reference ? `${input.reference} (donation ${donation.id.slice(0, 8)})` : `donation ${donation.id}`,
          paidAt: receivedAt,
          recordedById: actor.userId,
        },
        select: { id: true },
      });
    }
    const receipt = await issueReceipt(tx, organizationId, donation.id, actor.userId);
    const { id, ...after } = donation;
    return {
      result: { organizationId, donationId: id, donorId: donor.id, receiptId: receipt.id, receiptNumber: receipt.number },
      audit: {
        summary: `${input.method.toLowerCase().replace("_", "-")} donation recorded, receipt ${receipt.number}${donor.returning ? " (returning donor)" : ""}`,
        targetType: "Donation",
        targetId: id,
        after: { ...after, donorId: donor.id, receipt: receipt.number },
      },
    };
  },
});

/** Records a gift by hand, then emails the donor their receipt. */
export const recordDonation = afterCommit(recordDonationEntry, async (recorded) => {
  await emailReceipt(recorded.organizationId, recorded.receiptId);
  return recorded;
});

/**
 * The public form's donation, pending until M-Pesa or Stripe answers. Its one-time
 * key makes a second submission of the same form find the first donation
 * (and its payment) instead of creating another: the insert skips a taken
 * key, and the winner of a race is read back.
 */
export const startPublicDonation = defineMutation({
  action: "donation.start",
  capability: "donations:give",
  input: publicDonationInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const earlier = await tx.donation.findFirst({
      where: { organizationId, idempotencyKey: input.idempotencyKey },
      select: { id: true, amountMinor: true, method: true, status: true, payments: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true } } },
    });
    if (earlier) {
      // Nothing changes: roll back and answer with what the first submission started.
      throw new RepeatedSubmission(earlier.id, earlier.amountMinor, earlier.payments[0] ?? null, earlier);
    }
    const donor = await donorFor(tx, organizationId, input, null);
    const { count } = await tx.donation.createMany({
      data: [{ organizationId, donorId: donor.id, amountMinor: input.amountMinor, currency: input.currency, method: input.method, status: "PENDING", fund: input.fund ?? null, idempotencyKey: input.idempotencyKey }],
      skipDuplicates: true,
    });
    const donation = await tx.donation.findFirstOrThrow({ where: { organizationId, idempotencyKey: input.idempotencyKey }, select: { id: true, amountMinor: true, fund: true } });
    if (count === 0) throw new RepeatedSubmission(donation.id, donation.amountMinor, null, { method: input.method, status: "PENDING" });
    return {
      result: { donationId: donation.id, amountMinor: donation.amountMinor },
      audit: { summary: `Donation started on the public page (${input.method === "CARD" ? "card" : "M-Pesa"})`, targetType: "Donation", targetId: donation.id, after: { amountMinor: donation.amountMinor, currency: input.currency, fund: donation.fund, donorId: donor.id } },
    };
  },
});

/** A second submission of one form: thrown inside the transaction so it rolls back and audits nothing. */
class RepeatedSubmission extends Error {
  constructor(
    readonly donationId: string,
    readonly amountMinor: number,
    readonly payment: { id: string; status: string } | null,
    readonly donation: { method: string; status: string },
  ) {
    super("repeated donation form");
  }
}

/** The pending ledger row an STK push for a donation leaves, found later by its CheckoutRequestID. */
export const requestDonationPayment = defineMutation({
  action: "donation.mpesa_requested",
  capability: "donations:give",
  input: requestDonationPaymentInput,
  run: async (tx, input, actor) => {
    const donation = await tx.donation.findFirst({
      where: { id: input.donationId, organizationId: actor.organizationId, status: { notIn: ["RECEIVED", "REFUNDED"] } },
      select: { id: true, amountMinor: true, currency: true },
    });
    if (!donation) throw notFoundError();
    await tx.donation.update({ where: { id: donation.id, organizationId: actor.organizationId }, data: { status: "PENDING" }, select: { id: true } });
    const payment = await tx.payment.create({
      data: {
        organizationId: actor.organizationId,
        donationId: donation.id,
        method: "MPESA",
        status: "PENDING",
        amountMinor: donation.amountMinor,
        currency: donation.currency,
        reference: input.checkoutRequestId,
        payerPhone: input.phone,
      },
      select: { id: true, status: true, amountMinor: true, reference: true, payerPhone: true },
    });
    const { id, ...after } = payment;
    return {
      result: { id },
      audit: { summary: "M-Pesa donation requested on the donor's phone", targetType: "Donation", targetId: donation.id, after: { payment: { id, ...auditDiff("Payment", null, after).after } } },
    };
  },
});

export type DonationVisitor = { organizationId: string; ip: string | null; origin: string };

/** The public page's visitor: no login, and only ever able to give. */
export const donationVisitorActor = (visitor: DonationVisitor): Actor => ({ ...systemActor(visitor.organizationId, "donation page", ["donations:give"]), ip: visitor.ip });

/** Counts one attempt from this address against the payment-attempt limit pay links use (RATE_LIMIT_PAY_LINK). */
async function admitDonation(visitor: DonationVisitor): Promise<void> {
  const outcome = await consume("payLink", visitor.ip ?? "unknown");
  if (outcome.ok) return;
  logEvent("warn", "donation attempt refused: rate limited", { organizationId: visitor.organizationId });
  throw new AppError("RATE_LIMITED", `Too many payment attempts from here. Please try again ${retryWording(outcome)}.`);
}

const STILL_SENDING = "This donation is already on its way to M-Pesa. Check your phone, or reload the page to give again.";
const OTHER_WAY = "This form already started a gift paid the other way. Reload the page to give again.";

/**
 * "Give with M-Pesa" on the club's public page: the donation (pending), an
 * STK push to the donor's phone for it, then its pending ledger row. A
 * repeated submission of the same form pushes nothing new: it answers with
 * the first attempt's payment (its page then shows how that stands), or,
 * once that attempt failed, asks the phone again for the same donation.
 */
export async function giveByMpesa(visitor: DonationVisitor, raw: unknown): Promise<{ paymentId: string; customerMessage: string }> {
  await admitDonation(visitor);
  const phone = mpesaPhoneInput.safeParse(raw);
  const fields = publicDonationInput.safeParse({ ...(raw as Record<string, unknown>), method: "MPESA" });
  if (!phone.success || !fields.success) {
    const fieldErrors: Record<string, string[]> = fields.success ? {} : (Object.fromEntries(fields.error.issues.map((i) => [String(i.path[0] ?? "form"), [i.message]])) as Record<string, string[]>);
    if (!phone.success) fieldErrors.phone = [phone.error.issues[0]!.message];
    throw invalidError("Please correct the highlighted fields.", fieldErrors);
  }
  // A club without M-Pesa takes no gift here: refused before anything is recorded.
  if (!(await darajaCredential(visitor.organizationId))) throw invalidError("This club does not take M-Pesa donations yet.");
  const actor = donationVisitorActor(visitor);
  let donation: { donationId: string; amountMinor: number };
  try {
    donation = await startPublicDonation(actor, { ...(raw as Record<string, unknown>), phone: phone.data.phone, method: "MPESA" });
  } catch (error) {
    if (!(error instanceof RepeatedSubmission)) throw error;
    if (error.donation.method !== "MPESA") throw conflictError(OTHER_WAY);
    if (error.payment && error.payment.status !== "FAILED") return { paymentId: error.payment.id, customerMessage: "" };
    if (!error.payment) throw conflictError(STILL_SENDING);
    donation = { donationId: error.donationId, amountMinor: error.amountMinor };
  }
  const accepted = await pushStk(
    {
      organizationId: visitor.organizationId,
      amountMinor: donation.amountMinor,
      currency: "KES",
      accountReference: `DON${donation.donationId.slice(0, 8).toUpperCase()}`,
      description: "Donation",
      logFields: { donationId: donation.donationId },
    },
    phone.data.phone,
    visitor.origin,
  );
  const { id } = await requestDonationPayment(actor, { donationId: donation.donationId, checkoutRequestId: accepted.checkoutRequestId, phone: phone.data.phone });
  return { paymentId: id, customerMessage: accepted.customerMessage };
}

const CARD_UNAVAILABLE = "Card payments are unavailable right now. Please try M-Pesa, or try again in a few minutes.";

/**
 * "Give by card" on the club's public page: the donation (pending), then a
 * Stripe Checkout Session on the club's account for it, to which the donor
 * is sent. Nothing is received here: Stripe's signed webhook settles the
 * gift and issues its receipt (lib/services/card-settlements.ts). A repeated
 * submission of the same form gets the same session back (the form's
 * donation is the attempt), never a second donation.
 */
export async function giveByCard(visitor: DonationVisitor, raw: unknown): Promise<{ url: string }> {
  await admitDonation(visitor);
  const fields = publicDonationInput.safeParse({ ...(raw as Record<string, unknown>), method: "CARD" });
  if (!fields.success) {
    throw invalidError("Please correct the highlighted fields.", Object.fromEntries(fields.error.issues.map((i) => [String(i.path[0] ?? "form"), [i.message]])) as Record<string, string[]>);
  }
  // A club without Stripe takes no card gift: refused before anything is recorded.
  const credential = await stripeCredential(visitor.organizationId);
  if (!credential) throw invalidError("This club does not take card donations yet.");
  let donation: { donationId: string; amountMinor: number };
  try {
    donation = await startPublicDonation(donationVisitorActor(visitor), { ...(raw as Record<string, unknown>), method: "CARD" });
  } catch (error) {
    if (!(error instanceof RepeatedSubmission)) throw error;
    if (error.donation.method !== "CARD") throw conflictError(OTHER_WAY);
    if (error.donation.status === "RECEIVED") throw conflictError("This gift is already received, thank you. Reload the page to give again.");
    if (error.donation.status === "REFUNDED") throw conflictError("This gift was refunded. Reload the page to give again.");
    donation = { donationId: error.donationId, amountMinor: error.amountMinor };
  }
  try {
    return await createCheckoutSession(stripeClient(credential.secretKey, { apiBase: env().STRIPE_API_BASE }), {
      organizationId: visitor.organizationId,
      subject: { donationId: donation.donationId },
      amountMinor: donation.amountMinor,
      currency: fields.data.currency,
      description: fields.data.fund ? `Donation to ${fields.data.fund}` : "Donation",
      successUrl: `${visitor.origin}/donate?card=paid&gift=${donation.donationId}`,
      cancelUrl: `${visitor.origin}/donate?card=cancelled`,
      customerEmail: fields.data.email ?? undefined,
      attemptId: donation.donationId,
    });
  } catch (error) {
    logError("stripe checkout session failed", error, { organizationId: visitor.organizationId, donationId: donation.donationId });
    throw invalidError(CARD_UNAVAILABLE);
  }
}
