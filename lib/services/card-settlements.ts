import type Stripe from "stripe";
import { z, ZodError } from "zod";
import { systemActor, type Actor } from "../authz/actor";
import { PROVIDER_CAPABILITIES } from "../authz/capabilities";
import { lockKey } from "../db/locks";
import type { TenantTx } from "../db/tenant";
import { invalidError } from "../errors";
import { logEvent } from "../log";
import { stripeCredential } from "../payments/credentials";
import { findOrganizationBySlug } from "../queries/organizations";
import { failedFactSchema, paidFactSchema, paymentFacts, pendingFactSchema, refundedFactSchema, STRIPE_EVENT_TYPES, type PaymentFact } from "../payments/stripe";
import { invoiceBeforePayment } from "../queries/ledger";
import { emailReceipt, refundDonation, settleDonation } from "./donor-receipts";
import { defineMutation } from "./mutation";

/**
 * Card payments settled by Stripe's signed webhooks, as the system actor
 * `stripe`. Each event is one transaction: its id goes into `stripe_event`
 * (unique) beside its effect on the ledger, so a redelivery changes nothing.
 *
 * Convergence: every event is reduced to a fact about one PaymentIntent
 * (lib/payments/stripe.ts) and the facts commute. The intent's ledger row is
 * found by its reference (unique per organisation, method and kind) under a
 * transaction lock on the intent, so two events for the same intent at once
 * (checkout.session.completed beside payment_intent.succeeded) serialise and
 * the second finds the row. Paid outranks pending and failed; a refund's
 * running total only ever grows; a refund that overtakes its payment's event
 * records the payment too (the charge proves it).
 *
 * An event that would change nothing (its twin already applied, a failure
 * after the payment succeeded) rolls back whole, its stripe_event row
 * included: the trail holds one entry per change to the ledger, and a
 * redelivery of it again changes nothing.
 *
 * Money that was taken is always recorded. A payment on a void invoice, one
 * that takes an invoice past its amount, or one in another currency than the
 * invoice's is recorded and flagged: the audit entry's `after.flag` and a
 * warning log line name it, and the ledger shows it (a void invoice with
 * payments, an invoice paid past its amount). A payment in another currency
 * is kept off the invoice (invoiceId null), so the invoice's balance never
 * sums two currencies.
 *
 * A checkout can pay a gift from the public donation page instead (metadata
 * `donationId`): its paid event is the gift's ledger row, the donation
 * RECEIVED and its receipt issued in the same transaction, emailed after
 * commit. A gift paid another amount than asked takes what was paid (the
 * receipt says what was received) and is flagged the same way. A gift's
 * refund cancels its receipt: the gift keeps the rest under a new receipt,
 * or, refunded in full, is REFUNDED.
 */

const STRIPE_ACTOR_LABEL = "stripe";

/** Stripe acting in one organisation: exactly the provider's capabilities. */
export const stripeActor = (organizationId: string): Actor => systemActor(organizationId, STRIPE_ACTOR_LABEL, [...PROVIDER_CAPABILITIES.STRIPE]);

/** Why an event left the ledger as it was; the route answers 200 all the same. */
export type Unchanged = "duplicate" | "already-applied" | "unknown-invoice" | "unknown-donation" | "nothing-pending";
export type StripeEventOutcome = "applied" | "ignored" | "unmatched" | Unchanged;

/** Thrown inside a settlement to roll it back (its stripe_event row too) without it being an error. */
class NoChange extends Error {
  constructor(readonly reason: Unchanged) {
    super(`stripe event changed nothing: ${reason}`);
  }
}

const eventInput = <F extends z.ZodType>(fact: F) =>
  z.object({
    eventId: z.string().trim().min(1).max(255),
    eventType: z.enum(STRIPE_EVENT_TYPES),
    fact,
  });

type EventInput = { eventId: string; eventType: string; fact: { paymentIntentId: string } };

/**
 * The start of every settlement: the intent's lock, then the event's id. A
 * second delivery of an event waits on the lock, then finds its id taken.
 */
async function claim(tx: TenantTx, organizationId: string, input: EventInput): Promise<void> {
  await lockKey(tx, `stripe:${organizationId}:${input.fact.paymentIntentId}`);
  const { count } = await tx.stripeEvent.createMany({ data: [{ id: input.eventId, organizationId, type: input.eventType }], skipDuplicates: true });
  if (count === 0) throw new NoChange("duplicate");
}

const cardPayment = (tx: TenantTx, organizationId: string, paymentIntentId: string) =>
  tx.payment.findUnique({
    where: { organizationId_method_kind_reference: { organizationId, method: "CARD", kind: "PAYMENT", reference: paymentIntentId } },
    select: { id: true, status: true, invoiceId: true, donationId: true, amountMinor: true, currency: true },
  });

const PAYMENT_FIELDS = { id: true, status: true, amountMinor: true, currency: true, reference: true, paidAt: true, invoiceId: true, donationId: true } as const;

type Flag = "invoice-void" | "invoice-not-open" | "overpaid" | "currency-mismatch" | "gift-amount-changed" | "gift-already-received";

const FLAG_TEXT: Record<Flag, string> = {
  "invoice-void": "on a void invoice",
  "invoice-not-open": "on an invoice that is not open",
  overpaid: "more than the invoice's amount",
  "currency-mismatch": "in another currency than the invoice's, kept off the invoice",
  "gift-amount-changed": "another amount than the gift asked; the gift takes what was paid",
  "gift-already-received": "for a gift already received",
};

type Invoice = NonNullable<Awaited<ReturnType<typeof invoiceBeforePayment>>>;

/** What is odd about money arriving for this invoice; it is recorded all the same. */
function flagOf(invoice: Invoice, amountMinor: number, currency: string): Flag | null {
  if (currency !== invoice.currency) return "currency-mismatch";
  if (invoice.status === "VOID") return "invoice-void";
  if (invoice.status !== "OPEN") return "invoice-not-open";
  return invoice.paidMinor + amountMinor > invoice.amountMinor ? "overpaid" : null;
}

/**
 * The succeeded card payment for an intent: a new row, or its pending or
 * failed row settled. Shared by "paid" and by a refund that arrives first.
 */
async function settle(tx: TenantTx, organizationId: string, invoice: Invoice, payment: { paymentIntentId: string; amountMinor: number; currency: string; paidAt: Date }) {
  const existing = await cardPayment(tx, organizationId, payment.paymentIntentId);
  if (existing?.status === "SUCCEEDED") return { existing, settled: null, flag: null };
  const flag = flagOf(invoice, payment.amountMinor, payment.currency);
  if (flag) logEvent("warn", "stripe payment flagged", { organizationId, invoiceId: invoice.id, paymentIntentId: payment.paymentIntentId, flag });
  const data = {
    invoiceId: flag === "currency-mismatch" ? null : invoice.id,
    status: "SUCCEEDED" as const,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    paidAt: payment.paidAt,
    failureReason: null,
  };
  const settled = existing
    ? await tx.payment.update({ where: { id: existing.id }, data, select: PAYMENT_FIELDS })
    : await tx.payment.create({ data: { organizationId, method: "CARD", kind: "PAYMENT", reference: payment.paymentIntentId, ...data }, select: PAYMENT_FIELDS });
  return { existing, settled, flag };
}

async function invoiceOf(tx: TenantTx, organizationId: string, invoiceId: string | null | undefined, paymentIntentId: string): Promise<Invoice> {
  const invoice = invoiceId ? await invoiceBeforePayment(tx, organizationId, invoiceId) : null;
  if (invoice) return invoice;
  // Metadata naming no invoice of this organisation: nothing to settle against. Logged, never a 5xx.
  logEvent("warn", "stripe event names no invoice of this organisation", { organizationId, paymentIntentId });
  throw new NoChange("unknown-invoice");
}

/** The card gift a checkout paid, in this organisation. Metadata naming none is logged and changes nothing. */
async function giftOf(tx: TenantTx, organizationId: string, donationId: string, paymentIntentId: string) {
  const gift = await tx.donation.findFirst({ where: { id: donationId, organizationId, method: "CARD" }, select: { id: true, status: true, amountMinor: true, currency: true } });
  if (gift) return gift;
  logEvent("warn", "stripe event names no card gift of this organisation", { organizationId, paymentIntentId });
  throw new NoChange("unknown-donation");
}

type Gift = Awaited<ReturnType<typeof giftOf>>;
type TakenFact = { paymentIntentId: string; amountMinor: number; currency: string; paidAt: Date };

/**
 * The succeeded ledger row for a card gift, the donation received and its
 * receipt issued (lib/services/donor-receipts.ts), in the caller's
 * transaction; `settled` is null if the intent's payment was already
 * recorded. Shared by "paid" and by a refund that arrives first.
 */
async function takeGift(tx: TenantTx, organizationId: string, gift: Gift, fact: TakenFact) {
  const existing = await cardPayment(tx, organizationId, fact.paymentIntentId);
  if (existing?.status === "SUCCEEDED") return { existing, settled: null, flag: null, receipt: null };
  const changed = fact.amountMinor !== gift.amountMinor || fact.currency !== gift.currency;
  const flag: Flag | null = gift.status === "RECEIVED" ? "gift-already-received" : changed ? "gift-amount-changed" : null;
  if (flag) logEvent("warn", "stripe payment flagged", { organizationId, donationId: gift.id, paymentIntentId: fact.paymentIntentId, flag });
  const data = { donationId: gift.id, status: "SUCCEEDED" as const, amountMinor: fact.amountMinor, currency: fact.currency, paidAt: fact.paidAt, failureReason: null };
  const settled = existing
    ? await tx.payment.update({ where: { id: existing.id }, data, select: PAYMENT_FIELDS })
    : await tx.payment.create({ data: { organizationId, method: "CARD", kind: "PAYMENT", reference: fact.paymentIntentId, ...data }, select: PAYMENT_FIELDS });
  if (flag === "gift-amount-changed") await tx.donation.update({ where: { id: gift.id, organizationId }, data: { amountMinor: fact.amountMinor, currency: fact.currency }, select: { id: true } });
  const received = await settleDonation(tx, organizationId, gift.id, { paidAt: fact.paidAt });
  return { existing, settled, flag, receipt: received.receipt };
}

/** A card gift Stripe took; the receipt's id is returned for the email after commit. */
async function receiveGift(tx: TenantTx, organizationId: string, event: { eventId: string; eventType: string }, fact: TakenFact & { donationId: string }) {
  const gift = await giftOf(tx, organizationId, fact.donationId, fact.paymentIntentId);
  const { existing, settled, flag, receipt } = await takeGift(tx, organizationId, gift, fact);
  if (!settled) throw new NoChange("already-applied");
  return {
    result: { paymentId: settled.id, flag, receiptIds: receipt ? [receipt.id] : [] },
    audit: {
      summary: `card gift received${receipt ? `, receipt ${receipt.number}` : ""}${flag ? `, ${FLAG_TEXT[flag]}` : ""}`,
      targetType: "Donation",
      targetId: gift.id,
      before: { status: gift.status, amountMinor: gift.amountMinor, payment: existing ? { id: existing.id, status: existing.status } : null },
      after: { status: "RECEIVED", amountMinor: fact.amountMinor, payment: settled, receipt: receipt?.number ?? null, event: { id: event.eventId, type: event.eventType }, ...(flag ? { flag } : {}) },
    },
  };
}

const paidAfter = (invoice: Invoice, settled: { amountMinor: number; invoiceId: string | null } | null) =>
  invoice.paidMinor + (settled?.invoiceId ? settled.amountMinor : 0);

/** A card payment Stripe took: the intent's succeeded ledger row. */
export const recordCardPayment = defineMutation({
  action: "payment.card_paid",
  capability: "payments:settle",
  input: eventInput(paidFactSchema),
  run: async (tx, { eventId, eventType, fact }, actor) => {
    const organizationId = actor.organizationId;
    await claim(tx, organizationId, { eventId, eventType, fact });
    if (fact.donationId) return receiveGift(tx, organizationId, { eventId, eventType }, { ...fact, donationId: fact.donationId });
    const invoice = await invoiceOf(tx, organizationId, fact.invoiceId, fact.paymentIntentId);
    const { existing, settled, flag } = await settle(tx, organizationId, invoice, fact);
    if (!settled) throw new NoChange("already-applied");
    return {
      result: { paymentId: settled.id, flag, receiptIds: [] as string[] },
      audit: {
        summary: flag ? `card payment received, ${FLAG_TEXT[flag]}` : "card payment received",
        targetType: "DuesInvoice",
        targetId: invoice.id,
        before: { paidMinor: invoice.paidMinor, payment: existing ? { id: existing.id, status: existing.status } : null },
        after: { paidMinor: paidAfter(invoice, settled), payment: settled, event: { id: eventId, type: eventType }, ...(flag ? { flag } : {}) },
      },
    };
  },
});

/** A checkout completed with a delayed method (a bank debit): the money is on its way. A pending row never overrides an outcome. */
export const recordCardPaymentPending = defineMutation({
  action: "payment.card_pending",
  capability: "payments:settle",
  input: eventInput(pendingFactSchema),
  run: async (tx, { eventId, eventType, fact }, actor) => {
    const organizationId = actor.organizationId;
    await claim(tx, organizationId, { eventId, eventType, fact });
    if (fact.donationId) {
      const gift = await giftOf(tx, organizationId, fact.donationId, fact.paymentIntentId);
      if (await cardPayment(tx, organizationId, fact.paymentIntentId)) throw new NoChange("already-applied");
      const pending = await tx.payment.create({
        data: { organizationId, donationId: gift.id, method: "CARD", kind: "PAYMENT", status: "PENDING", reference: fact.paymentIntentId, amountMinor: fact.amountMinor, currency: fact.currency },
        select: PAYMENT_FIELDS,
      });
      return {
        result: { paymentId: pending.id, receiptIds: [] as string[] },
        audit: { summary: "card gift pending", targetType: "Donation", targetId: gift.id, before: { payment: null }, after: { payment: pending, event: { id: eventId, type: eventType } } },
      };
    }
    const invoice = await invoiceOf(tx, organizationId, fact.invoiceId, fact.paymentIntentId);
    if (await cardPayment(tx, organizationId, fact.paymentIntentId)) throw new NoChange("already-applied");
    const pending = await tx.payment.create({
      data: {
        organizationId,
        invoiceId: fact.currency === invoice.currency ? invoice.id : null,
        method: "CARD",
        kind: "PAYMENT",
        status: "PENDING",
        reference: fact.paymentIntentId,
        amountMinor: fact.amountMinor,
        currency: fact.currency,
      },
      select: PAYMENT_FIELDS,
    });
    return {
      result: { paymentId: pending.id, receiptIds: [] as string[] },
      audit: {
        summary: "card payment pending",
        targetType: "DuesInvoice",
        targetId: invoice.id,
        before: { paidMinor: invoice.paidMinor, payment: null },
        after: { paidMinor: invoice.paidMinor, payment: pending, event: { id: eventId, type: eventType } },
      },
    };
  },
});

/** A pending card payment that failed. A failure with nothing pending moved no money and records nothing; after success it changes nothing. */
export const recordCardPaymentFailed = defineMutation({
  action: "payment.card_failed",
  capability: "payments:settle",
  input: eventInput(failedFactSchema),
  run: async (tx, { eventId, eventType, fact }, actor) => {
    const organizationId = actor.organizationId;
    await claim(tx, organizationId, { eventId, eventType, fact });
    const existing = await cardPayment(tx, organizationId, fact.paymentIntentId);
    if (!existing) throw new NoChange("nothing-pending");
    if (existing.status !== "PENDING") throw new NoChange("already-applied");
    const failed = await tx.payment.update({ where: { id: existing.id }, data: { status: "FAILED", failureReason: fact.reason.slice(0, 500) }, select: PAYMENT_FIELDS });
    // A gift whose delayed payment failed is not received: it stays without a receipt.
    if (existing.donationId) await settleDonation(tx, organizationId, existing.donationId, null);
    return {
      result: { paymentId: failed.id, receiptIds: [] as string[] },
      audit: {
        summary: existing.donationId ? "card gift failed" : "card payment failed",
        targetType: existing.donationId ? "Donation" : "DuesInvoice",
        targetId: existing.donationId ?? existing.invoiceId ?? fact.invoiceId ?? fact.donationId,
        before: { payment: { id: existing.id, status: existing.status } },
        after: { payment: { id: failed.id, status: failed.status, failureReason: fact.reason.slice(0, 500) }, event: { id: eventId, type: eventType } },
      },
    };
  },
});

type RefundedFact = z.infer<typeof refundedFactSchema>;
type RefundedPayment = { invoiceId: string | null; donationId: string | null; currency: string };

/**
 * REFUND ledger rows bringing an intent's refunds up to the charge's running
 * total, on the payment's invoice or gift. Refunds the payload lists are
 * recorded by their id (reference `<intent>:<refund id>`); whatever the total
 * has beyond them (a payload without the list) is one row referenced by the
 * total it brings the ledger to, so the same total twice is one row. The
 * ledger's refunds for an intent never exceed what Stripe says was refunded.
 */
async function recordRefunds(tx: TenantTx, organizationId: string, fact: RefundedFact, payment: RefundedPayment) {
  const prefix = `${fact.paymentIntentId}:`;
  const recorded = await tx.payment.findMany({
    where: { organizationId, method: "CARD", kind: "REFUND", reference: { startsWith: prefix } },
    select: { reference: true, amountMinor: true },
  });
  const refundedBefore = recorded.reduce((sum, r) => sum + r.amountMinor, 0);
  let refundedMinor = refundedBefore;
  const references = new Set(recorded.map((r) => r.reference));
  const rows: { reference: string; amountMinor: number }[] = [];
  for (const refund of fact.refunds) {
    const amountMinor = Math.min(refund.amountMinor, fact.refundedMinor - refundedMinor);
    if (references.has(`${prefix}${refund.id}`) || amountMinor <= 0) continue;
    rows.push({ reference: `${prefix}${refund.id}`, amountMinor });
    refundedMinor += amountMinor;
  }
  if (fact.refundedMinor > refundedMinor) {
    rows.push({ reference: `${prefix}to-${fact.refundedMinor}`, amountMinor: fact.refundedMinor - refundedMinor });
    refundedMinor = fact.refundedMinor;
  }
  const refunds = [];
  for (const row of rows) {
    refunds.push(
      await tx.payment.create({
        data: {
          organizationId,
          invoiceId: payment.invoiceId,
          donationId: payment.donationId,
          method: "CARD",
          kind: "REFUND",
          status: "SUCCEEDED",
          reference: row.reference,
          amountMinor: row.amountMinor,
          currency: payment.currency,
          paidAt: new Date(),
        },
        select: PAYMENT_FIELDS,
      }),
    );
  }
  return { refunds, refundedBefore, refundedMinor };
}

/** What a gift keeps in its currency: its succeeded card payments less their refunds, from the ledger. */
async function keptOf(tx: TenantTx, organizationId: string, donationId: string, currency: string): Promise<number> {
  const rows = await tx.payment.groupBy({ by: ["kind"], where: { organizationId, donationId, currency, status: "SUCCEEDED" }, _sum: { amountMinor: true } });
  const sum = (kind: string) => rows.find((r) => r.kind === kind)?._sum.amountMinor ?? 0;
  return Math.max(0, sum("PAYMENT") - sum("REFUND"));
}

/**
 * A card gift's refund: its REFUND rows, then the gift's receipt cancelled
 * (lib/services/donor-receipts.ts) and, for a partial refund, reissued for
 * what the gift keeps; refunded in full, the gift is REFUNDED. A refund that
 * overtakes the paid event receives the gift first, receipt and all, as the
 * paid event would have. Every receipt issued is returned for the email.
 */
async function refundGift(tx: TenantTx, organizationId: string, event: { eventId: string; eventType: string }, fact: RefundedFact, donationId: string) {
  const gift = await giftOf(tx, organizationId, donationId, fact.paymentIntentId);
  const taken = await takeGift(tx, organizationId, gift, { ...fact, amountMinor: fact.chargedMinor, paidAt: fact.chargedAt });
  const payment = taken.settled ?? (await cardPayment(tx, organizationId, fact.paymentIntentId))!;
  const { refunds, refundedBefore, refundedMinor } = await recordRefunds(tx, organizationId, fact, { invoiceId: null, donationId: gift.id, currency: payment.currency });
  if (refunds.length === 0 && !taken.settled) throw new NoChange("already-applied");
  const state = await tx.donation.findUniqueOrThrow({ where: { id: gift.id, organizationId }, select: { status: true, amountMinor: true, currency: true } });
  const refunded = await refundDonation(tx, organizationId, gift.id, await keptOf(tx, organizationId, gift.id, state.currency));
  const after = refunded ?? state;
  const issued = [taken.receipt, refunded?.cancellation, refunded?.receipt].filter((r) => r != null);
  const cancelled = refunded?.cancelled && refunded.cancellation ? `, receipt ${refunded.cancelled.number} cancelled by ${refunded.cancellation.number}` : "";
  const reissued = refunded?.receipt ? ` and reissued as ${refunded.receipt.number}` : "";
  return {
    result: { paymentId: payment.id, refundIds: refunds.map((r) => r.id), receiptIds: issued.map((r) => r.id) },
    audit: {
      summary: `card gift ${taken.settled ? "received and " : ""}refunded ${after.status === "REFUNDED" ? "in full" : "in part"}${cancelled}${reissued}${taken.flag ? `, ${FLAG_TEXT[taken.flag]}` : ""}`,
      targetType: "Donation",
      targetId: gift.id,
      before: { status: gift.status, amountMinor: gift.amountMinor, refundedMinor: refundedBefore, ...(refunded && !taken.settled ? { receipt: refunded.cancelled?.number ?? null } : {}) },
      after: {
        status: after.status,
        amountMinor: after.amountMinor,
        refundedMinor,
        ...(refunded ? { receipt: refunded.receipt?.number ?? null, cancellation: refunded.cancellation?.number ?? null } : {}),
        ...(taken.settled ? { payment: taken.settled, received: taken.receipt?.number ?? null } : {}),
        refunds,
        event: { id: event.eventId, type: event.eventType },
        ...(taken.flag ? { flag: taken.flag } : {}),
      },
    },
  };
}

/**
 * A refund on a card payment: REFUND ledger rows up to the charge's running
 * total (`recordRefunds`), on the dues invoice the payment paid or on the
 * card gift (`refundGift`).
 */
export const recordCardRefund = defineMutation({
  action: "payment.card_refunded",
  capability: "payments:settle",
  input: eventInput(refundedFactSchema),
  run: async (tx, { eventId, eventType, fact }, actor) => {
    const organizationId = actor.organizationId;
    await claim(tx, organizationId, { eventId, eventType, fact });
    const known = await cardPayment(tx, organizationId, fact.paymentIntentId);
    const donationId = known?.donationId ?? fact.donationId;
    if (donationId) return refundGift(tx, organizationId, { eventId, eventType }, fact, donationId);
    const invoice = await invoiceOf(tx, organizationId, known?.invoiceId ?? fact.invoiceId, fact.paymentIntentId);
    // A refund proves the payment: record it first if its own event has not arrived yet.
    const { settled, flag } = await settle(tx, organizationId, invoice, { ...fact, amountMinor: fact.chargedMinor, paidAt: fact.chargedAt });
    const payment = settled ?? (await cardPayment(tx, organizationId, fact.paymentIntentId))!;
    const { refunds, refundedBefore, refundedMinor } = await recordRefunds(tx, organizationId, fact, { invoiceId: payment.invoiceId, donationId: null, currency: payment.currency });
    if (refunds.length === 0 && !settled) throw new NoChange("already-applied");
    const counted = (amount: number) => (payment.invoiceId ? amount : 0);
    const paidMinor = paidAfter(invoice, settled) - counted(refundedMinor - refundedBefore);
    return {
      result: { paymentId: payment.id, refundIds: refunds.map((r) => r.id), receiptIds: [] as string[] },
      audit: {
        summary: settled ? "card payment received and refunded" : "card payment refunded",
        targetType: "DuesInvoice",
        targetId: invoice.id,
        before: { paidMinor: invoice.paidMinor, refundedMinor: refundedBefore },
        after: { paidMinor, refundedMinor, ...(settled ? { payment: settled } : {}), refunds, event: { id: eventId, type: eventType }, ...(flag ? { flag } : {}) },
      },
    };
  },
});

/**
 * The organisation a webhook's Host names and its signing secret, kept for a
 * minute per process so a storm of deliveries does not read and decrypt it
 * each time. The caller asks again with `fresh` when a signature fails, so a
 * secret changed in the last minute is honoured at once.
 */
const ENDPOINT_TTL_MS = 60_000;
const endpoints = new Map<string, { organizationId: string; webhookSecret: string; until: number }>();

export async function stripeEndpoint(slug: string, { fresh = false } = {}): Promise<{ organizationId: string; webhookSecret: string } | null> {
  const kept = endpoints.get(slug);
  if (kept && !fresh && kept.until > Date.now()) return kept;
  endpoints.delete(slug);
  const org = await findOrganizationBySlug(slug);
  const credential = org ? await stripeCredential(org.id) : null;
  if (!org || !credential) return null;
  const endpoint = { organizationId: org.id, webhookSecret: credential.webhookSecret, until: Date.now() + ENDPOINT_TTL_MS };
  endpoints.set(slug, endpoint);
  return endpoint;
}

const SETTLEMENTS = {
  paid: recordCardPayment,
  pending: recordCardPaymentPending,
  failed: recordCardPaymentFailed,
  refunded: recordCardRefund,
} as const;

/**
 * A verified Stripe event for one organisation, applied once: a type outside
 * the allow-list or a payment that is not ours changes nothing and writes
 * nothing; an event whose metadata names another organisation is not this
 * one's to apply. Returns what happened, for the route's answer and its log.
 */
export async function receiveStripeEvent(organizationId: string, event: Stripe.Event): Promise<StripeEventOutcome> {
  let fact: PaymentFact | null;
  try {
    fact = paymentFacts(event);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    // Our metadata on an object we cannot read: refused (400) so Stripe retries it, and logged without its contents.
    logEvent("warn", "stripe event unreadable", { organizationId, eventId: event.id, type: event.type, issues: error.issues.map((i) => i.path.join(".")) });
    throw invalidError("This event could not be read.");
  }
  if (!fact) return "ignored";
  if (fact.kind === "unmatched" || fact.organizationId !== organizationId) {
    logEvent("info", "stripe event not ours to apply", { organizationId, eventId: event.id, type: event.type });
    return "unmatched";
  }
  try {
    const settle = SETTLEMENTS[fact.kind];
    const input = { eventId: event.id, eventType: event.type, fact };
    const result = await settle(stripeActor(organizationId), input);
    // A card gift's receipts (a new one, a cancellation and its replacement) go to the donor once the settlement has committed.
    for (const receiptId of result.receiptIds) await emailReceipt(organizationId, receiptId);
    return "applied";
  } catch (error) {
    if (error instanceof NoChange) return error.reason;
    throw error;
  }
}
