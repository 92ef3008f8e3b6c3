import { randomBytes } from "node:crypto";
import http from "node:http";
import Stripe from "stripe";

/**
 * Stripe webhook deliveries as Stripe sends them: an event around a payment
 * object carrying our `{ organizationId, invoiceId }` (or `donationId`) metadata, serialised
 * once and signed with a club's signing secret. The offline demo, the tests,
 * the webhook storm and the benchmark all build their events here.
 */

type PaymentBase = { organizationId: string; paymentIntentId: string; amountMinor: number; currency: string };
/** A payment on a dues invoice. */
export type Payment = PaymentBase & { invoiceId: string };
/** A gift from the public donation page. */
export type GiftPayment = PaymentBase & { donationId: string };

export type Delivery = { eventId: string; type: string; payload: string };

export const newPaymentIntentId = () => `pi_${randomBytes(12).toString("hex")}`;
export const newEventId = () => `evt_${randomBytes(12).toString("hex")}`;

/** An event of `type` around `object` (a session, intent or charge as Stripe returns it). */
export function delivery(type: string, object: object, created = now(), eventId = newEventId()): Delivery {
  const payload = JSON.stringify({
    id: eventId,
    object: "event",
    api_version: "2026-10-28.endive",
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  return { eventId, type, payload };
}

const metadata = (p: Payment | GiftPayment) => ({ organizationId: p.organizationId, ...("invoiceId" in p ? { invoiceId: p.invoiceId } : { donationId: p.donationId }) });
const now = () => Math.floor(Date.now() / 1000);

export function paymentIntentSucceeded(p: Payment | GiftPayment, created = now()): Delivery {
  return delivery(
    "payment_intent.succeeded",
    {
      id: p.paymentIntentId,
      object: "payment_intent",
      amount: p.amountMinor,
      amount_received: p.amountMinor,
      currency: p.currency.toLowerCase(),
      status: "succeeded",
      metadata: metadata(p),
      last_payment_error: null,
      created,
      livemode: false,
    },
    created,
  );
}

export function paymentIntentFailed(p: Payment | GiftPayment, message = "Your card was declined.", created = now()): Delivery {
  return delivery(
    "payment_intent.payment_failed",
    {
      id: p.paymentIntentId,
      object: "payment_intent",
      amount: p.amountMinor,
      amount_received: 0,
      currency: p.currency.toLowerCase(),
      status: "requires_payment_method",
      metadata: metadata(p),
      last_payment_error: { type: "card_error", code: "card_declined", message },
      created,
      livemode: false,
    },
    created,
  );
}

export function checkoutSessionCompleted(p: Payment | GiftPayment, options: { sessionId?: string; paid?: boolean; created?: number } = {}): Delivery {
  const created = options.created ?? now();
  return delivery(
    "checkout.session.completed",
    {
      id: options.sessionId ?? `cs_test_${randomBytes(12).toString("hex")}`,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: options.paid === false ? "unpaid" : "paid",
      amount_total: p.amountMinor,
      currency: p.currency.toLowerCase(),
      metadata: metadata(p),
      payment_intent: p.paymentIntentId,
      created,
      livemode: false,
    },
    created,
  );
}

/** `refunds` as the charge lists them (older API versions); omitted, the payload carries only the running total, as newer ones do. */
export function chargeRefunded(p: Payment | GiftPayment, refundedMinor: number, refunds?: { id: string; amountMinor: number }[], created = now()): Delivery {
  return delivery(
    "charge.refunded",
    {
      id: `ch_${p.paymentIntentId.slice(3)}`,
      object: "charge",
      amount: p.amountMinor,
      amount_captured: p.amountMinor,
      amount_refunded: refundedMinor,
      refunded: refundedMinor >= p.amountMinor,
      currency: p.currency.toLowerCase(),
      status: "succeeded",
      payment_intent: p.paymentIntentId,
      metadata: metadata(p),
      created,
      livemode: false,
      ...(refunds ? { refunds: { object: "list", data: refunds.map((r) => ({ id: r.id, object: "refund", amount: r.amountMinor, status: "succeeded" })) } } : {}),
    },
    created,
  );
}

/** Any other event type: a club's Stripe account sends many. */
export function customerCreated(created = now()): Delivery {
  return delivery("customer.created", { id: `cus_${randomBytes(8).toString("hex")}`, object: "customer", metadata: {}, created, livemode: false }, created);
}

/** The Stripe-Signature header for a payload, as Stripe computes it. */
export const signatureFor = (payload: string, secret: string, timestamp = now()) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

/**
 * POSTs a delivery to a webhook on 127.0.0.1 under a club's Host (Node's fetch
 * will not send a Host of our choosing), signed with `secret` unless a
 * `signature` is given.
 */
export function postDelivery(target: { port: number; host: string; path?: string }, d: Delivery, secret: string, signature = signatureFor(d.payload, secret)): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: target.path ?? "/api/webhooks/stripe",
        method: "POST",
        headers: { host: target.host, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(d.payload), "stripe-signature": signature },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end(d.payload);
  });
}
