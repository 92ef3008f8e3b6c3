import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { POST } from "@/app/api/webhooks/stripe/route";
import { randomUUID } from "node:crypto";
import { disconnectAll } from "@/lib/db/clients";
import { giveByCard } from "@/lib/services/donations";
import { voidInvoice } from "@/lib/services/dues";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import {
  chargeRefunded,
  checkoutSessionCompleted,
  customerCreated,
  newPaymentIntentId,
  paymentIntentFailed,
  paymentIntentSucceeded,
  signatureFor,
  type Delivery,
  type GiftPayment,
  type Payment,
} from "../scripts/lib/stripe-events";
import { startStripeFake } from "../scripts/lib/stripe-fake";
import { connectAs } from "./support/database";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { captureLogLines } from "./support/stderr";

/**
 * Stripe's webhook end to end below HTTP: signed payloads through the real
 * route handler, into a real PostgreSQL (promise P3: each payment recorded
 * exactly once; B3.3: audited with actor `stripe` and before/after).
 */
const SECRET = "whsec_cardSettlementsKilimani";
// Card gifts open their checkout on the real Stripe client, against the local fake.
const stripeApi = await startStripeFake();
process.env.STRIPE_API_BASE = stripeApi.url;
const OTHER_SECRET = "whsec_cardSettlementsWestlands";

let club: TestOrganization;
let other: TestOrganization;
let owner: pg.Client;

beforeAll(async () => {
  club = await createTestOrganization("cards");
  other = await createTestOrganization("cards-other");
  await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_cardSettlements", webhookSecret: SECRET });
  await setPaymentCredential(other.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_cardSettlementsOther", webhookSecret: OTHER_SECRET });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await stripeApi.stop();
  await owner.end();
  await disconnectAll();
});

type Options = { secret?: string; timestamp?: number; signature?: string | null; slug?: string };

async function deliver(d: Delivery, options: Options = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const host = `${options.slug ?? club.slug}.localhost`;
  const signature = options.signature === undefined ? signatureFor(d.payload, options.secret ?? SECRET, options.timestamp) : options.signature;
  const headers: Record<string, string> = { host, "content-type": "application/json; charset=utf-8", "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" };
  if (signature !== null) headers["stripe-signature"] = signature;
  const response = await POST(new Request(`http://${host}/api/webhooks/stripe`, { method: "POST", headers, body: d.payload }), undefined);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function newPayment(amount = "12000"): Promise<Payment & { memberId: string }> {
  const { invoice, member } = await createTestInvoice(club, { amount });
  return { organizationId: club.id, invoiceId: invoice.id, paymentIntentId: newPaymentIntentId(), amountMinor: Number(amount) * 100, currency: "KES", memberId: member.id };
}

type LedgerRow = { kind: string; status: string; amount_minor: number; reference: string; invoice_id: string | null; method: string };
const ledger = async (p: Payment) =>
  (await owner.query<LedgerRow>("SELECT kind, status, amount_minor, reference, invoice_id, method FROM payment WHERE organization_id = $1 AND reference LIKE $2 || '%' ORDER BY created_at", [p.organizationId, p.paymentIntentId]))
    .rows;
/** What the invoice has been paid: succeeded payments less succeeded refunds, straight from the ledger. */
const paidOn = async (invoiceId: string) =>
  (
    await owner.query<{ paid: number }>(
      "SELECT coalesce(sum(CASE kind WHEN 'REFUND' THEN -amount_minor ELSE amount_minor END), 0)::int AS paid FROM payment WHERE invoice_id = $1 AND status = 'SUCCEEDED'",
      [invoiceId],
    )
  ).rows[0].paid;
const counts = async () =>
  (
    await owner.query<{ payments: number; events: number; audits: number }>(
      "SELECT (SELECT count(*) FROM payment)::int AS payments, (SELECT count(*) FROM stripe_event)::int AS events, (SELECT count(*) FROM audit_entry)::int AS audits",
    )
  ).rows[0];
const eventRecorded = async (eventId: string) => (await owner.query("SELECT 1 FROM stripe_event WHERE id = $1", [eventId])).rowCount === 1;

describe("[P3] each card payment is recorded exactly once", () => {
  test("payment_intent.succeeded records one succeeded card payment, referenced by the intent, with the event's id", async () => {
    const p = await newPayment();
    const d = paymentIntentSucceeded(p);
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, outcome: "applied" } });
    expect(await ledger(p)).toEqual([{ kind: "PAYMENT", status: "SUCCEEDED", amount_minor: 1_200_000, reference: p.paymentIntentId, invoice_id: p.invoiceId, method: "CARD" }]);
    expect(await paidOn(p.invoiceId)).toBe(1_200_000);
    expect(await eventRecorded(d.eventId)).toBe(true);
  });

  test("the same event delivered again is answered 200 and changes nothing", async () => {
    const p = await newPayment();
    const d = paymentIntentSucceeded(p);
    await deliver(d);
    const before = await counts();
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect(await counts()).toEqual(before);
    expect(await ledger(p)).toHaveLength(1);
  });

  test.each([
    ["checkout.session.completed first", (p: Payment) => [checkoutSessionCompleted(p), paymentIntentSucceeded(p)]],
    ["payment_intent.succeeded first", (p: Payment) => [paymentIntentSucceeded(p), checkoutSessionCompleted(p)]],
  ])("out of order (%s): one payment, the second event changes nothing", async (_name, events) => {
    const p = await newPayment();
    const [first, second] = events(p);
    expect((await deliver(first)).body.outcome).toBe("applied");
    const before = await counts();
    expect(await deliver(second)).toEqual({ status: 200, body: { received: true, outcome: "already-applied" } });
    expect(await counts()).toEqual(before);
    expect(await ledger(p)).toHaveLength(1);
    expect(await paidOn(p.invoiceId)).toBe(p.amountMinor);
  });

  test("two different events for one intent and their duplicates, all at once: one payment row, no 5xx", async () => {
    const p = await newPayment();
    const session = checkoutSessionCompleted(p);
    const intent = paymentIntentSucceeded(p);
    const before = await counts();
    const answers = await Promise.all([session, intent, session, intent, session, intent].map((d) => deliver(d)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.outcome === "applied")).toHaveLength(1);
    expect(await ledger(p)).toHaveLength(1);
    expect(await paidOn(p.invoiceId)).toBe(p.amountMinor);
    const after = await counts();
    expect([after.payments - before.payments, after.events - before.events, after.audits - before.audits]).toEqual([1, 1, 1]);
  });

  test("a declined card leaves nothing; a bank debit is pending until it fails or succeeds, and a failure after success changes nothing", async () => {
    const declined = await newPayment();
    expect((await deliver(paymentIntentFailed(declined))).body.outcome).toBe("nothing-pending");
    expect(await ledger(declined)).toEqual([]);

    const debit = await newPayment();
    expect((await deliver(checkoutSessionCompleted(debit, { paid: false }))).body.outcome).toBe("applied");
    expect(await ledger(debit)).toMatchObject([{ status: "PENDING" }]);
    expect(await paidOn(debit.invoiceId)).toBe(0);
    expect((await deliver(paymentIntentFailed(debit, "The bank refused the debit."))).body.outcome).toBe("applied");
    expect(await ledger(debit)).toMatchObject([{ status: "FAILED" }]);
    // The payer tries again on the same PaymentIntent, and it succeeds: paid outranks failed.
    expect((await deliver(paymentIntentSucceeded(debit))).body.outcome).toBe("applied");
    expect((await deliver(paymentIntentFailed(debit))).body.outcome).toBe("already-applied");
    expect((await deliver(checkoutSessionCompleted(debit, { paid: false }))).body.outcome).toBe("already-applied");
    expect(await ledger(debit)).toMatchObject([{ status: "SUCCEEDED", amount_minor: debit.amountMinor }]);
  });
});

describe("[P3] refunds: a REFUND row for what was refunded, never counted twice", () => {
  test("a partial refund, then the rest: the running total makes two rows, and redeliveries change nothing", async () => {
    const p = await newPayment();
    await deliver(paymentIntentSucceeded(p));
    const partial = chargeRefunded(p, 400_000);
    expect((await deliver(partial)).body.outcome).toBe("applied");
    expect(await paidOn(p.invoiceId)).toBe(800_000);
    expect((await deliver(partial)).body.outcome).toBe("duplicate");
    // The same total in a new event (Stripe sends charge.refunded again for an unrelated change) is no new refund.
    expect((await deliver(chargeRefunded(p, 400_000))).body.outcome).toBe("already-applied");
    expect((await deliver(chargeRefunded(p, 1_200_000))).body.outcome).toBe("applied");
    expect(await paidOn(p.invoiceId)).toBe(0);
    expect((await ledger(p)).map((r) => [r.kind, r.amount_minor])).toEqual([
      ["PAYMENT", 1_200_000],
      ["REFUND", 400_000],
      ["REFUND", 800_000],
    ]);
  });

  test("refunds the charge lists are recorded by their id, once each, whichever event lists them", async () => {
    const p = await newPayment();
    await deliver(paymentIntentSucceeded(p));
    const first = { id: "re_first", amountMinor: 200_000 };
    const second = { id: "re_second", amountMinor: 300_000 };
    expect((await deliver(chargeRefunded(p, 200_000, [first]))).body.outcome).toBe("applied");
    expect((await deliver(chargeRefunded(p, 500_000, [second, first]))).body.outcome).toBe("applied");
    expect((await deliver(chargeRefunded(p, 500_000, [second, first]))).body.outcome).toBe("already-applied");
    expect((await ledger(p)).filter((r) => r.kind === "REFUND").map((r) => [r.reference, r.amount_minor])).toEqual([
      [`${p.paymentIntentId}:re_first`, 200_000],
      [`${p.paymentIntentId}:re_second`, 300_000],
    ]);
    expect(await paidOn(p.invoiceId)).toBe(700_000);
  });

  test("a refund that overtakes its payment's event records the payment too; the payment's event then changes nothing", async () => {
    const p = await newPayment();
    expect((await deliver(chargeRefunded(p, 1_200_000))).body.outcome).toBe("applied");
    expect((await deliver(paymentIntentSucceeded(p))).body.outcome).toBe("already-applied");
    expect((await deliver(checkoutSessionCompleted(p))).body.outcome).toBe("already-applied");
    expect((await ledger(p)).map((r) => [r.kind, r.amount_minor])).toEqual([
      ["PAYMENT", 1_200_000],
      ["REFUND", 1_200_000],
    ]);
    expect(await paidOn(p.invoiceId)).toBe(0);
  });
});

describe("money that does not fit its invoice is recorded and flagged", () => {
  test("a second payment past the invoice's amount is recorded, flagged overpaid", async () => {
    const p = await newPayment();
    await deliver(paymentIntentSucceeded(p));
    const again = { ...p, paymentIntentId: newPaymentIntentId() };
    const { outcome, lines } = await captureLogLines(() => deliver(paymentIntentSucceeded(again)));
    expect(outcome).toMatchObject({ status: "fulfilled", value: { body: { outcome: "applied" } } });
    expect(await paidOn(p.invoiceId)).toBe(2 * p.amountMinor);
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: "stripe payment flagged", flag: "overpaid", invoiceId: p.invoiceId }));
    const entry = await owner.query("SELECT summary, after FROM audit_entry WHERE action = 'payment.card_paid' AND target_id = $1 ORDER BY seq DESC LIMIT 1", [p.invoiceId]);
    expect(entry.rows[0]).toMatchObject({ summary: "card payment received, more than the invoice's amount", after: { flag: "overpaid" } });
  });

  test("a payment on a voided invoice is recorded on it, flagged; one in another currency is kept off the invoice", async () => {
    const p = await newPayment();
    await voidInvoice(club.actors.TREASURER, { invoiceId: p.invoiceId, reason: "Member left" });
    expect((await deliver(paymentIntentSucceeded(p))).body.outcome).toBe("applied");
    expect(await ledger(p)).toMatchObject([{ status: "SUCCEEDED", invoice_id: p.invoiceId }]);

    const dollars = { ...(await newPayment()), currency: "USD" };
    expect((await deliver(paymentIntentSucceeded(dollars))).body.outcome).toBe("applied");
    expect(await ledger(dollars)).toMatchObject([{ status: "SUCCEEDED", invoice_id: null }]);
    expect(await paidOn(dollars.invoiceId)).toBe(0);
    const flags = await owner.query<{ flag: string }>(
      "SELECT after->>'flag' AS flag FROM audit_entry WHERE action = 'payment.card_paid' AND target_id = ANY($1::text[]) ORDER BY seq",
      [[p.invoiceId, dollars.invoiceId]],
    );
    expect(flags.rows.map((r) => r.flag)).toEqual(["invoice-void", "currency-mismatch"]);
  });
});

describe("bad input: the right status, and nothing written", () => {
  const refusedWithNothingWritten = async (d: Delivery, options: Options, reason: string) => {
    const before = await counts();
    const { outcome, lines } = await captureLogLines(() => deliver(d, options));
    expect(outcome).toEqual({ status: "fulfilled", value: { status: 400, body: { error: "Invalid Stripe signature", fieldErrors: {} } } });
    expect(await counts()).toEqual(before);
    expect(lines).toContainEqual({ level: "warn", at: expect.any(String), requestId: expect.any(String), message: "stripe webhook refused", organizationId: club.id, reason });
    // No personal data or payload in the log line.
    expect(JSON.stringify(lines)).not.toContain(d.payload.slice(0, 40));
  };

  test("a forged signature: 400, 0 rows", async () => {
    const p = await newPayment();
    const d = paymentIntentSucceeded(p);
    await refusedWithNothingWritten(d, { signature: `t=${Math.floor(Date.now() / 1000)},v1=${"ab".repeat(32)}` }, "mismatch");
    await refusedWithNothingWritten({ ...d, payload: d.payload.replace(String(p.amountMinor), "1") }, { signature: signatureFor(d.payload, SECRET) }, "mismatch");
    expect(await ledger(p)).toEqual([]);
  });

  test("a stale timestamp (a replay after 300 s): 400; a missing signature: 400", async () => {
    const d = paymentIntentSucceeded(await newPayment());
    await refusedWithNothingWritten(d, { timestamp: Math.floor(Date.now() / 1000) - 301 }, "stale");
    await refusedWithNothingWritten(d, { signature: null }, "no-signature");
  });

  test("signed with another organisation's secret: 400 on this club's host", async () => {
    await refusedWithNothingWritten(paymentIntentSucceeded(await newPayment()), { secret: OTHER_SECRET }, "mismatch");
  });

  test("a signing secret replaced a moment ago is honoured at once, and the old one refused", async () => {
    const org = await createTestOrganization("cards-rotate");
    await setPaymentCredential(org.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_cardsRotate", webhookSecret: "whsec_cardsRotateOld" });
    const { invoice } = await createTestInvoice(org);
    const payment = () => paymentIntentSucceeded({ organizationId: org.id, invoiceId: invoice.id, paymentIntentId: newPaymentIntentId(), amountMinor: 100, currency: "KES" });
    expect((await deliver(payment(), { slug: org.slug, secret: "whsec_cardsRotateOld" })).status).toBe(200);
    await setPaymentCredential(org.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_cardsRotate", webhookSecret: "whsec_cardsRotateNew" });
    expect((await deliver(payment(), { slug: org.slug, secret: "whsec_cardsRotateNew" })).status).toBe(200);
    expect((await deliver(payment(), { slug: org.slug, secret: "whsec_cardsRotateOld" })).status).toBe(400);
  });

  test("an event signed by the other club for a payment whose metadata names this club applies nothing there", async () => {
    const p = await newPayment();
    const before = await counts();
    expect(await deliver(paymentIntentSucceeded(p), { secret: OTHER_SECRET, slug: other.slug })).toEqual({ status: 200, body: { received: true, outcome: "unmatched" } });
    expect(await counts()).toEqual(before);
  });

  test("an event type outside the allow-list: 200, nothing written", async () => {
    const before = await counts();
    const d = customerCreated();
    expect(await deliver(d)).toEqual({ status: 200, body: { received: true, outcome: "ignored" } });
    expect(await counts()).toEqual(before);
    expect(await eventRecorded(d.eventId)).toBe(false);
  });

  test("an invoice this club does not have: 200, no effect, and a log line", async () => {
    const theirs = await createTestInvoice(other);
    const p: Payment = { organizationId: club.id, invoiceId: theirs.invoice.id, paymentIntentId: newPaymentIntentId(), amountMinor: 1_200_000, currency: "KES" };
    const before = await counts();
    const { outcome, lines } = await captureLogLines(() => deliver(paymentIntentSucceeded(p)));
    expect(outcome).toEqual({ status: "fulfilled", value: { status: 200, body: { received: true, outcome: "unknown-invoice" } } });
    expect(await counts()).toEqual(before);
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: "stripe event names no invoice of this organisation", organizationId: club.id, paymentIntentId: p.paymentIntentId }));
  });

  test("an unknown organisation's host: 404; the apex: 404", async () => {
    const d = paymentIntentSucceeded(await newPayment());
    expect((await deliver(d, { slug: "no-such-club" })).status).toBe(404);
    const response = await POST(
      new Request("http://localhost/api/webhooks/stripe", { method: "POST", headers: { host: "localhost", "stripe-signature": signatureFor(d.payload, SECRET) }, body: d.payload }),
      undefined,
    );
    expect(response.status).toBe(404);
  });

  test("a signed event with our metadata that cannot be read: 400, nothing written, never a 5xx", async () => {
    const p = await newPayment();
    const broken = { ...paymentIntentSucceeded(p) };
    broken.payload = broken.payload.replace('"currency":"kes"', '"currency":"shillings"');
    const before = await counts();
    expect((await deliver(broken)).status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe("[B3.3] every card payment is audited with actor stripe and before/after", () => {
  test("a payment and a refund each write one entry on the club's chain, by stripe, with the invoice's paid amount before and after", async () => {
    const p = await newPayment();
    const paid = paymentIntentSucceeded(p);
    await deliver(paid);
    await deliver(chargeRefunded(p, 300_000));
    const { rows } = await owner.query(
      "SELECT action, actor_id, actor_label, ip, target_type, target_id, before, after FROM audit_entry WHERE organization_id = $1 AND target_id = $2 AND action LIKE 'payment.card_%' ORDER BY seq",
      [club.id, p.invoiceId],
    );
    expect(rows).toMatchObject([
      {
        action: "payment.card_paid",
        actor_id: null,
        actor_label: "stripe",
        ip: null,
        target_type: "DuesInvoice",
        before: { paidMinor: 0, payment: null },
        after: { paidMinor: 1_200_000, payment: { status: "SUCCEEDED", amountMinor: 1_200_000, currency: "KES", reference: p.paymentIntentId }, event: { id: paid.eventId, type: "payment_intent.succeeded" } },
      },
      {
        action: "payment.card_refunded",
        actor_label: "stripe",
        before: { paidMinor: 1_200_000, refundedMinor: 0 },
        after: { paidMinor: 900_000, refundedMinor: 300_000, refunds: [{ amountMinor: 300_000, reference: `${p.paymentIntentId}:to-300000` }] },
      },
    ]);
  });
});

describe("[P4] card gifts on the public donation page", () => {
  const visitor = (ip: string) => ({ organizationId: club.id, ip, origin: `http://${club.slug}.localhost:3000` });
  const giftOf = async (idempotencyKey: string) =>
    (
      await owner.query<{ id: string; status: string; method: string; amount_minor: number; receipts: number }>(
        "SELECT d.id, d.status, d.method, d.amount_minor, (SELECT count(*) FROM donor_receipt r WHERE r.donation_id = d.id)::int AS receipts FROM donation d WHERE d.organization_id = $1 AND d.idempotency_key = $2",
        [club.id, idempotencyKey],
      )
    ).rows;
  const giftPayments = async (donationId: string) =>
    (await owner.query<{ method: string; kind: string; status: string; amount_minor: number }>("SELECT method, kind, status, amount_minor FROM payment WHERE donation_id = $1", [donationId])).rows;
  const outbox = async (email: string) => (await owner.query<{ text: string }>('SELECT text FROM email_outbox WHERE "to" = $1', [email])).rows;

  test("[P4] a card gift through Stripe Checkout is received once with its receipt, redelivered webhooks included", async () => {
    const email = `card-giver-${randomUUID().slice(0, 8)}@example.org`;
    const form = { name: "Otieno Card", email, amount: "2,500.50", fund: "Borehole", idempotencyKey: randomUUID() };
    // The same form twice: one pending donation, one checkout session.
    const first = await giveByCard(visitor("203.0.113.40"), form);
    const again = await giveByCard(visitor("203.0.113.40"), form);
    expect(again.url).toBe(first.url);
    const [pending] = await giftOf(form.idempotencyKey);
    expect(await giftOf(form.idempotencyKey)).toEqual([{ id: pending!.id, status: "PENDING", method: "CARD", amount_minor: 250_050, receipts: 0 }]);
    const checkout = stripeApi.sessions().find(({ session }) => session.url === first.url)!;
    expect(checkout.session.metadata).toEqual({ organizationId: club.id, donationId: pending!.id });
    expect(checkout.paymentIntentData.metadata).toEqual({ organizationId: club.id, donationId: pending!.id });

    // Stripe's two events for the paid checkout, each delivered twice: one payment, one receipt, one email.
    const p: GiftPayment = { organizationId: club.id, donationId: pending!.id, paymentIntentId: newPaymentIntentId(), amountMinor: 250_050, currency: "KES" };
    const completed = checkoutSessionCompleted(p);
    const succeeded = paymentIntentSucceeded(p);
    const outcomes = await Promise.all([completed, succeeded, completed, succeeded].map(async (d) => (await deliver(d)).body.outcome));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "applied").every((o) => o === "duplicate" || o === "already-applied")).toBe(true);
    // Once more, later: whichever event applied is a duplicate, its twin is already applied.
    expect((await deliver(completed)).body.outcome).toMatch(/^(duplicate|already-applied)$/);
    expect((await deliver(succeeded)).body.outcome).toMatch(/^(duplicate|already-applied)$/);
    expect(await giftOf(form.idempotencyKey)).toEqual([{ id: pending!.id, status: "RECEIVED", method: "CARD", amount_minor: 250_050, receipts: 1 }]);
    expect(await giftPayments(pending!.id)).toEqual([{ method: "CARD", kind: "PAYMENT", status: "SUCCEEDED", amount_minor: 250_050 }]);
    const audit = await owner.query("SELECT actor_label, target_type FROM audit_entry WHERE action = 'payment.card_paid' AND target_id = $1", [pending!.id]);
    expect(audit.rows).toEqual([{ actor_label: "stripe", target_type: "Donation" }]);
    const mails = await outbox(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toMatch(/\/receipts\/[A-Za-z0-9_.-]+/);
    // The form once more after the gift is received starts nothing.
    await expect(giveByCard(visitor("203.0.113.40"), form)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await giftOf(form.idempotencyKey)).toHaveLength(1);
  });

  test("[P4] a declined card leaves the gift unreceived, without a receipt or a ledger row", async () => {
    const form = { name: "Declined Giver", amount: "900", idempotencyKey: randomUUID() };
    await giveByCard(visitor("203.0.113.41"), form);
    const [gift] = await giftOf(form.idempotencyKey);
    const p: GiftPayment = { organizationId: club.id, donationId: gift!.id, paymentIntentId: newPaymentIntentId(), amountMinor: 90_000, currency: "KES" };
    expect((await deliver(paymentIntentFailed(p))).body.outcome).toBe("nothing-pending");
    expect(await giftOf(form.idempotencyKey)).toEqual([{ id: gift!.id, status: "PENDING", method: "CARD", amount_minor: 90_000, receipts: 0 }]);
    expect(await giftPayments(gift!.id)).toEqual([]);
  });

  test("[P4] an event naming a gift of another club, or one not given by card, changes nothing", async () => {
    const form = { name: "Elsewhere", amount: "700", idempotencyKey: randomUUID() };
    await giveByCard(visitor("203.0.113.42"), form);
    const [gift] = await giftOf(form.idempotencyKey);
    const theirs: GiftPayment = { organizationId: other.id, donationId: gift!.id, paymentIntentId: newPaymentIntentId(), amountMinor: 70_000, currency: "KES" };
    expect((await deliver(paymentIntentSucceeded(theirs), { slug: other.slug, secret: OTHER_SECRET })).body.outcome).toBe("unknown-donation");
    expect(await giftOf(form.idempotencyKey)).toEqual([{ id: gift!.id, status: "PENDING", method: "CARD", amount_minor: 70_000, receipts: 0 }]);
  });
});
