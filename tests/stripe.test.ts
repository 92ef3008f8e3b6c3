import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { routeHandler } from "@/lib/http/route-handler";
import {
  createCheckoutSession,
  paymentFacts,
  paymentFactSchema,
  STRIPE_EVENT_TYPES,
  StripeSignatureError,
  stripeClient,
  verifyStripeEvent,
  type CheckoutRequest,
  type PaymentFact,
} from "@/lib/payments/stripe";
import { startStripeFake, type FakeCheckoutSession, type FakePaymentIntent, type StripeFake } from "../scripts/lib/stripe-fake";

const SECRET = "whsec_kilimani_test_signing_secret";
const ORG = "cm4kilimani00000000000000";
const INVOICE = "cm4invoice000000000000001";
const PAYMENT_INTENT = "pi_3QkilimaniDuesJanuary";
const CREATED = 1_767_225_600; // 2026-01-01T00:00:00Z
const OURS = { organizationId: ORG, invoiceId: INVOICE };

const now = () => Math.floor(Date.now() / 1000);
const sign = (payload: string, secret = SECRET, timestamp = now()) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

/** A Stripe event as the webhook receives it: signed, then verified, as the route will. */
function delivered(type: string, object: Record<string, unknown>): Stripe.Event {
  const payload = JSON.stringify({
    id: `evt_${type.replace(/\W/g, "_")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: CREATED,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  return verifyStripeEvent(payload, sign(payload), SECRET);
}

const checkoutSession = (fields: Record<string, unknown> = {}) => ({
  id: "cs_test_a1KilimaniDues",
  object: "checkout.session",
  mode: "payment",
  status: "complete",
  payment_status: "paid",
  amount_subtotal: 150_000,
  amount_total: 150_000,
  currency: "kes",
  customer_email: "wanjiru.kamau@example.org",
  metadata: OURS,
  payment_intent: PAYMENT_INTENT,
  success_url: "https://kilimani.harambee.africa/invoices/paid",
  url: null,
  created: CREATED - 120,
  livemode: false,
  ...fields,
});

const paymentIntent = (fields: Record<string, unknown> = {}) => ({
  id: PAYMENT_INTENT,
  object: "payment_intent",
  amount: 150_000,
  amount_received: 150_000,
  currency: "kes",
  status: "succeeded",
  metadata: OURS,
  last_payment_error: null,
  latest_charge: "ch_3QkilimaniDuesJanuary",
  created: CREATED - 60,
  livemode: false,
  ...fields,
});

const declined = paymentIntent({
  status: "requires_payment_method",
  amount_received: 0,
  latest_charge: null,
  last_payment_error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." },
});

const charge = (fields: Record<string, unknown> = {}) => ({
  id: "ch_3QkilimaniDuesJanuary",
  object: "charge",
  amount: 150_000,
  amount_captured: 150_000,
  amount_refunded: 50_000,
  refunded: false,
  currency: "kes",
  status: "succeeded",
  payment_intent: PAYMENT_INTENT,
  metadata: OURS,
  created: CREATED - 60,
  livemode: false,
  ...fields,
});

const paid: PaymentFact = { kind: "paid", paymentIntentId: PAYMENT_INTENT, ...OURS, amountMinor: 150_000, currency: "KES", paidAt: new Date(CREATED * 1000) };

describe("verifyStripeEvent: only what the club's signing secret signed in the last five minutes", () => {
  const payload = JSON.stringify({ id: "evt_1", object: "event", type: "payment_intent.succeeded", created: CREATED, data: { object: paymentIntent() } });

  test("a payload signed with the club's secret verifies, as text or as the raw bytes", () => {
    expect(verifyStripeEvent(payload, sign(payload), SECRET)).toMatchObject({ id: "evt_1", type: "payment_intent.succeeded" });
    expect(verifyStripeEvent(Buffer.from(payload), sign(payload), SECRET).id).toBe("evt_1");
  });

  test("a delivery 299 seconds old is still inside the tolerance", () => {
    expect(verifyStripeEvent(payload, sign(payload, SECRET, now() - 299), SECRET).id).toBe("evt_1");
  });

  test.each<[string, string, string | null]>([
    ["signed with another club's secret", payload, sign(payload, "whsec_westlands_other_secret")],
    ["a body altered after signing", payload.replace("150000", "1"), sign(payload)],
    ["no Stripe-Signature header", payload, null],
    ["a signature 301 seconds old (a replay)", payload, sign(payload, SECRET, now() - 301)],
    ["a header that is not a signature", payload, "t=1,v1=nonsense"],
  ])("refused: %s", (_name, body, header) => {
    expect(() => verifyStripeEvent(body, header, SECRET)).toThrow(StripeSignatureError);
  });

  test("a refusal is an INVALID error, so the route's wrapper answers 400 without detail", async () => {
    const handler = routeHandler(async (request) => {
      verifyStripeEvent(await request.text(), request.headers.get("stripe-signature"), SECRET);
      return new Response(null, { status: 200 });
    });
    const host = "kilimani.harambee.africa";
    const response = await handler(
      new Request(`https://${host}/api/webhooks/stripe`, { method: "POST", headers: { host, "stripe-signature": sign(payload, "whsec_wrong") }, body: payload }),
      undefined,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "Invalid Stripe signature" });
  });
});

describe("paymentFacts: what an allow-listed event says about one invoice's payment", () => {
  const cases: Array<[string, Record<string, unknown>, PaymentFact]> = [
    ["checkout.session.completed", checkoutSession(), paid],
    ["checkout.session.async_payment_succeeded", checkoutSession(), paid],
    ["checkout.session.async_payment_failed", checkoutSession({ payment_status: "unpaid" }), { kind: "failed", paymentIntentId: PAYMENT_INTENT, ...OURS, reason: "The delayed payment method failed" }],
    ["payment_intent.succeeded", paymentIntent(), paid],
    ["payment_intent.payment_failed", declined, { kind: "failed", paymentIntentId: PAYMENT_INTENT, ...OURS, reason: "Your card has insufficient funds." }],
    [
      "charge.refunded",
      charge(),
      { kind: "refunded", paymentIntentId: PAYMENT_INTENT, ...OURS, refundedMinor: 50_000, currency: "KES", chargedMinor: 150_000, chargedAt: new Date((CREATED - 60) * 1000), refunds: [] },
    ],
  ];

  test("every allow-listed type has its case here", () => {
    expect(cases.map(([type]) => type).sort()).toEqual([...STRIPE_EVENT_TYPES].sort());
  });

  test.each(cases)("%s", (type, object, fact) => {
    expect(paymentFacts(delivered(type, object))).toEqual(fact);
  });

  test("one payment seen through the session's and the PaymentIntent's events is the same fact, whichever comes first", () => {
    const facts = [
      delivered("payment_intent.succeeded", paymentIntent()),
      delivered("checkout.session.async_payment_succeeded", checkoutSession()),
      delivered("checkout.session.completed", checkoutSession()),
    ].map(paymentFacts);
    expect(facts).toEqual([paid, paid, paid]);
  });

  test("a session completed with a delayed method (a bank debit) is pending, not paid", () => {
    expect(paymentFacts(delivered("checkout.session.completed", checkoutSession({ payment_status: "unpaid" })))).toEqual({
      kind: "pending",
      paymentIntentId: PAYMENT_INTENT,
      ...OURS,
      amountMinor: 150_000,
      currency: "KES",
    });
  });

  test("a refund carries the charge's running total, and needs only the organisation from the charge's metadata", () => {
    const second = charge({ amount_refunded: 150_000, refunded: true, metadata: { organizationId: ORG } });
    expect(paymentFacts(delivered("charge.refunded", second))).toMatchObject({ kind: "refunded", paymentIntentId: PAYMENT_INTENT, organizationId: ORG, refundedMinor: 150_000, currency: "KES" });
    expect(paymentFacts(delivered("charge.refunded", second))).not.toHaveProperty("invoiceId");
  });

  test("a refund lists the charge's refunds by id where the payload carries them, leaving out failed ones", () => {
    const refunds = {
      object: "list",
      data: [
        { id: "re_2", object: "refund", amount: 30_000, status: "succeeded" },
        { id: "re_1", object: "refund", amount: 20_000, status: "succeeded" },
        { id: "re_0", object: "refund", amount: 10_000, status: "failed" },
      ],
    };
    expect(paymentFacts(delivered("charge.refunded", charge({ refunds })))).toMatchObject({
      refundedMinor: 50_000,
      refunds: [
        { id: "re_2", amountMinor: 30_000 },
        { id: "re_1", amountMinor: 20_000 },
      ],
    });
  });

  test("an event type outside the allow-list is no fact at all", () => {
    expect(paymentFacts(delivered("customer.created", { id: "cus_1", object: "customer", metadata: {} }))).toBeNull();
    expect(paymentFacts(delivered("checkout.session.expired", checkoutSession({ status: "expired" })))).toBeNull();
  });

  test.each<[string, Record<string, unknown>]>([
    ["checkout.session.completed", checkoutSession({ metadata: {} })],
    ["payment_intent.succeeded", paymentIntent({ metadata: { invoiceId: INVOICE } })],
    ["charge.refunded", charge({ metadata: {}, payment_intent: null })],
  ])("%s without our metadata (someone else's payment on the club's account) is unmatched", (type, object) => {
    const fact = paymentFacts(delivered(type, object));
    expect(fact).toMatchObject({ kind: "unmatched" });
    expect(fact).toHaveProperty("reason", expect.stringContaining(`${type} evt_`));
  });

  test("an object with our metadata but not the shape of a payment throws, so Stripe delivers it again once we read it right", () => {
    expect(() => paymentFacts(delivered("checkout.session.completed", checkoutSession({ payment_intent: null })))).toThrow();
    expect(() => paymentFacts(delivered("payment_intent.succeeded", paymentIntent({ currency: "shillings" })))).toThrow();
  });

  test("a fact that went through JSON (a queued job) parses back to the same fact", () => {
    expect(paymentFactSchema.parse(JSON.parse(JSON.stringify(paid)))).toEqual(paid);
  });
});

describe("createCheckoutSession: one hosted checkout per attempt to pay an invoice", () => {
  let fake: StripeFake;
  let client: Stripe;
  beforeAll(async () => {
    fake = await startStripeFake();
    client = stripeClient("sk_test_kilimani", { apiBase: fake.url });
  });
  afterAll(() => fake.stop());

  const request = (fields: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
    organizationId: ORG,
    subject: { invoiceId: INVOICE },
    amountMinor: 150_000,
    currency: "KES",
    description: "Dues, January 2026",
    successUrl: "https://kilimani.harambee.africa/invoices/paid?session={CHECKOUT_SESSION_ID}",
    cancelUrl: "https://kilimani.harambee.africa/invoices",
    customerEmail: "wanjiru.kamau@example.org",
    attemptId: "attempt-1",
    ...fields,
  });

  test("the session and its PaymentIntent both carry the organisation and the invoice, under a key of invoice, amount and attempt", async () => {
    const created = await createCheckoutSession(client, request());
    expect(created).toEqual({ id: expect.stringMatching(/^cs_test_/), url: `${fake.url}/pay/${created.id}` });
    const [checkout] = fake.sessions().filter(({ session }) => session.id === created.id);
    expect(checkout.session).toMatchObject({ mode: "payment", amount_total: 150_000, currency: "kes", metadata: OURS, customer_email: "wanjiru.kamau@example.org" });
    expect(checkout.paymentIntentData.metadata).toEqual(OURS);
    expect(checkout.idempotencyKey).toBe(`checkout:${INVOICE}:150000:attempt-1`);
  });

  test("retrying an attempt returns its session; a new attempt or a new amount makes a new one", async () => {
    const first = await createCheckoutSession(client, request({ attemptId: "attempt-2" }));
    expect(await createCheckoutSession(client, request({ attemptId: "attempt-2" }))).toEqual(first);
    expect((await createCheckoutSession(client, request({ attemptId: "attempt-3" }))).id).not.toBe(first.id);
    expect((await createCheckoutSession(client, request({ attemptId: "attempt-2", amountMinor: 100_000 }))).id).not.toBe(first.id);
  });

  test("the fake, like Stripe, refuses a request without a secret key", async () => {
    const response = await fetch(`${fake.url}/v1/checkout/sessions`, { method: "POST" });
    expect(response.status).toBe(401);
  });
});

describe("the Stripe fake's test checkout: paying hands the paid session to the caller, then returns the payer", () => {
  const completed: Array<[FakeCheckoutSession, FakePaymentIntent]> = [];
  let fake: StripeFake;
  beforeAll(async () => {
    fake = await startStripeFake({ completeWith: async (session, intent) => void completed.push([session, intent]) });
  });
  afterAll(() => fake.stop());

  test("a signed event built from the paid session is the invoice's paid fact", async () => {
    const client = stripeClient("sk_test_kilimani", { apiBase: fake.url });
    const { id, url } = await createCheckoutSession(client, {
      organizationId: ORG,
      subject: { invoiceId: INVOICE },
      amountMinor: 150_000,
      currency: "KES",
      description: "Dues, January 2026",
      successUrl: "https://kilimani.harambee.africa/invoices/paid?session={CHECKOUT_SESSION_ID}",
      cancelUrl: "https://kilimani.harambee.africa/invoices",
      attemptId: "attempt-1",
    });
    expect((await client.checkout.sessions.retrieve(id)).payment_intent).toBeNull(); // as in Stripe: no PaymentIntent before confirmation

    const page = await (await fetch(url)).text();
    expect(page).toContain("KES");
    expect(page).toContain(`action="/pay/${id}"`);
    const paying = await fetch(url, { method: "POST", redirect: "manual" });
    expect(paying.status).toBe(303);
    expect(paying.headers.get("location")).toBe(`https://kilimani.harambee.africa/invoices/paid?session=${id}`);

    expect(completed).toHaveLength(1);
    const [session, intent] = completed[0];
    expect(intent.metadata).toEqual(OURS);
    expect(paymentFacts(delivered("checkout.session.completed", session))).toMatchObject({ kind: "paid", paymentIntentId: intent.id, ...OURS, amountMinor: 150_000, currency: "KES" });
    expect(await client.checkout.sessions.retrieve(id)).toMatchObject({ status: "complete", payment_status: "paid", payment_intent: intent.id });

    await fetch(url, { method: "POST", redirect: "manual" });
    expect(completed).toHaveLength(1); // paying twice pays once
  });
});
