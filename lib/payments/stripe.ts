import Stripe from "stripe";
import { z } from "zod";
import { AppError } from "../errors";

/**
 * Stripe for a club's own account: a client for its secret key, the Checkout
 * Session that pays one invoice, and the webhook's side (signature, allow-list,
 * the payment facts a ledger applies). Keys and signing secrets are passed in;
 * nothing here reads the environment or the database.
 */

export type StripeClientOptions = {
  /** Another home for the API than api.stripe.com: the local fake in tests and the offline demo (STRIPE_API_BASE). */
  apiBase?: string;
};

export function stripeClient(secretKey: string, { apiBase }: StripeClientOptions = {}): Stripe {
  // One retry (with the same idempotency key) rides out a dropped connection without holding a page for long.
  return new Stripe(secretKey, { maxNetworkRetries: 1, timeout: 10_000, ...(apiBase ? apiAddress(apiBase) : {}) });
}

function apiAddress(apiBase: string): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  const url = new URL(apiBase);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`A Stripe API base must be an http(s) URL, not ${url.protocol}`);
  const protocol = url.protocol === "https:" ? "https" : "http";
  return { host: url.hostname, port: url.port || (protocol === "https" ? 443 : 80), protocol };
}

/** What a checkout pays: one dues invoice, or one gift on the public donation page. */
export type CheckoutSubject = { invoiceId: string } | { donationId: string };

export type CheckoutRequest = {
  organizationId: string;
  subject: CheckoutSubject;
  amountMinor: number;
  currency: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
  /** The caller's id for this attempt to pay: a retry of the attempt gets the same session back, a new attempt a new one. */
  attemptId: string;
};

/**
 * A hosted Checkout Session for one invoice or gift. The session and the
 * PaymentIntent it creates both carry `{ organizationId, invoiceId }` (or
 * `donationId`), so whichever event arrives first can be matched.
 */
export async function createCheckoutSession(client: Stripe, request: CheckoutRequest): Promise<{ id: string; url: string }> {
  const metadata = { organizationId: request.organizationId, ...request.subject };
  const subjectId = "invoiceId" in request.subject ? request.subject.invoiceId : request.subject.donationId;
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          quantity: 1,
          price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amountMinor, product_data: { name: request.description } },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      customer_email: request.customerEmail,
    },
    // The amount is in the key: a changed amount is a new request, where Stripe would refuse a reused key.
    { idempotencyKey: `checkout:${subjectId}:${request.amountMinor}:${request.attemptId}` },
  );
  if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a URL`);
  return { id: session.id, url: session.url };
}

/** A webhook whose signature is missing, wrong or older than the tolerance: the route answers 400 (an INVALID AppError). */
export class StripeSignatureError extends AppError {
  constructor(readonly detail: string) {
    super("INVALID", "Invalid Stripe signature");
    this.name = "StripeSignatureError";
  }
}

/** Stripe's default: a delivery signed more than five minutes ago is refused as a possible replay. */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The event in `rawBody` (the bytes as received, before any JSON parsing), if the club's signing secret signed it. */
export function verifyStripeEvent(rawBody: string | Buffer, signatureHeader: string | null, webhookSecret: string): Stripe.Event {
  if (!signatureHeader) throw new StripeSignatureError("no Stripe-Signature header");
  try {
    return Stripe.webhooks.constructEvent(rawBody, signatureHeader, webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new StripeSignatureError(error.message);
    throw error;
  }
}

/** The events that move money on an invoice or a gift; any other type is answered 200 and ignored. */
export const STRIPE_EVENT_TYPES = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
] as const;
export type StripeEventType = (typeof STRIPE_EVENT_TYPES)[number];

const id = z.string().min(1);
const minorUnits = z.number().int().nonnegative();
const currencyCode = z
  .string()
  .regex(/^[a-z]{3}$/i)
  .transform((code) => code.toUpperCase());

/**
 * What one event says about one payment, keyed by its PaymentIntent, so a
 * ledger can apply facts idempotently and in any order: `paid` wins over
 * `pending` and `failed` (a declined card can be retried on the same
 * PaymentIntent); `refundedMinor` is the charge's running total, so the larger
 * one wins. `paidAt` is coerced, so a fact that went through JSON parses back.
 */
/** A fact names the invoice or the gift its checkout paid; exactly one of them (see `ourMetadata`). */
const subjectIds = { invoiceId: id.optional(), donationId: id.optional() };
export const paidFactSchema = z.object({
  kind: z.literal("paid"),
  paymentIntentId: id,
  organizationId: id,
  ...subjectIds,
  amountMinor: minorUnits,
  currency: currencyCode,
  paidAt: z.coerce.date(),
});
export const pendingFactSchema = z.object({ kind: z.literal("pending"), paymentIntentId: id, organizationId: id, ...subjectIds, amountMinor: minorUnits, currency: currencyCode });
export const failedFactSchema = z.object({ kind: z.literal("failed"), paymentIntentId: id, organizationId: id, ...subjectIds, reason: z.string().min(1) });
export const refundedFactSchema = z.object({
  kind: z.literal("refunded"),
  paymentIntentId: id,
  organizationId: id,
  ...subjectIds,
  refundedMinor: minorUnits,
  currency: currencyCode,
  /** What the charge took and when: a refund that overtakes its payment's event still proves the payment. */
  chargedMinor: minorUnits,
  chargedAt: z.coerce.date(),
  /** The charge's refunds where the payload lists them (by id, so each is recorded once); Stripe omits the list from newer API versions. */
  refunds: z.array(z.object({ id, amountMinor: minorUnits })).default([]),
});
export const paymentFactSchema = z.discriminatedUnion("kind", [
  paidFactSchema,
  pendingFactSchema,
  failedFactSchema,
  refundedFactSchema,
  z.object({ kind: z.literal("unmatched"), reason: z.string().min(1) }),
]);
export type PaymentFact = z.infer<typeof paymentFactSchema>;

const ourMetadata = z
  .object({ organizationId: id, ...subjectIds })
  .refine((m) => Boolean(m.invoiceId) !== Boolean(m.donationId))
  .transform(({ organizationId, invoiceId, donationId }) => ({ organizationId, ...(invoiceId ? { invoiceId } : { donationId }) }));
/** A charge's metadata is a snapshot of its PaymentIntent's, taken when the charge was made. */
const chargeMetadata = z.object({ organizationId: id, ...subjectIds });

const intentId = (intent: string | Stripe.PaymentIntent | null) => (typeof intent === "string" ? intent : intent?.id);

/**
 * The payment fact in a verified event: `null` for a type outside the
 * allow-list, `unmatched` for an object without our metadata (a club's own
 * Stripe account sees more than our sessions). An object that carries our
 * metadata but not the shape of a payment throws: that is a misreading of our
 * own payment, and a 500 makes Stripe deliver it again once it is fixed.
 */
export function paymentFacts(event: Stripe.Event): PaymentFact | null {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      const ids = ourMetadata.safeParse(session.metadata);
      if (!ids.success) return unmatched(event, session.id);
      const payment = { paymentIntentId: intentId(session.payment_intent), ...ids.data };
      if (event.type === "checkout.session.async_payment_failed") {
        return paymentFactSchema.parse({ kind: "failed", ...payment, reason: "The delayed payment method failed" });
      }
      const amount = { amountMinor: session.amount_total, currency: session.currency };
      // Completed with a delayed method (a bank debit): the money is on its way, not yet here.
      if (event.type === "checkout.session.completed" && session.payment_status !== "paid") {
        return paymentFactSchema.parse({ kind: "pending", ...payment, ...amount });
      }
      return paymentFactSchema.parse({ kind: "paid", ...payment, ...amount, paidAt: paidAt(event) });
    }
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      const ids = ourMetadata.safeParse(intent.metadata);
      if (!ids.success) return unmatched(event, intent.id);
      const payment = { paymentIntentId: intent.id, ...ids.data };
      if (event.type === "payment_intent.payment_failed") {
        const error = intent.last_payment_error;
        return paymentFactSchema.parse({ kind: "failed", ...payment, reason: error?.message || error?.code || "The payment failed" });
      }
      return paymentFactSchema.parse({ kind: "paid", ...payment, amountMinor: intent.amount_received, currency: intent.currency, paidAt: paidAt(event) });
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const ids = chargeMetadata.safeParse(charge.metadata);
      if (!ids.success) return unmatched(event, charge.id);
      return paymentFactSchema.parse({
        kind: "refunded",
        paymentIntentId: intentId(charge.payment_intent),
        ...ids.data,
        refundedMinor: charge.amount_refunded,
        currency: charge.currency,
        chargedMinor: charge.amount_captured,
        chargedAt: new Date(charge.created * 1000),
        refunds: (charge.refunds?.data ?? []).filter((refund) => refund.status !== "failed" && refund.status !== "canceled").map((refund) => ({ id: refund.id, amountMinor: refund.amount })),
      });
    }
    default:
      return null;
  }
}

const paidAt = (event: Stripe.Event) => new Date(event.created * 1000);

const unmatched = (event: Stripe.Event, objectId: string): PaymentFact => ({
  kind: "unmatched",
  reason: `${event.type} ${event.id}: ${objectId} carries no organizationId with an invoiceId or donationId in its metadata`,
});
