import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST } from "@/app/api/webhooks/stripe/route";
import { disconnectAll } from "@/lib/db/clients";
import { loadDashboard } from "@/lib/queries/dashboard";
import { annualStatement, donorDetail, listDonations } from "@/lib/queries/donations";
import { giveByCard } from "@/lib/services/donations";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { chargeRefunded, newPaymentIntentId, paymentIntentSucceeded, signatureFor, type Delivery, type GiftPayment } from "../scripts/lib/stripe-events";
import { startStripeFake } from "../scripts/lib/stripe-fake";
import { connectAs } from "./support/database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * A card gift Stripe refunds, through signed charge.refunded events into the
 * real webhook route and PostgreSQL: REFUND rows on the gift (P3's once
 * only), its receipt cancelled and reissued for what it keeps or, refunded in
 * full, the gift no longer counted as received (P4); receipts stay locked and
 * numbered without a gap (B3.3).
 */
const SECRET = "whsec_giftRefundsKilimani";
const stripeApi = await startStripeFake();
process.env.STRIPE_API_BASE = stripeApi.url;

let club: TestOrganization;
let owner: pg.Client;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  club = await createTestOrganization("giftref");
  await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_giftRefunds", webhookSecret: SECRET });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await stripeApi.stop();
  await owner.end();
  await disconnectAll();
});

async function deliver(d: Delivery): Promise<string> {
  const host = `${club.slug}.localhost`;
  const headers = { host, "content-type": "application/json; charset=utf-8", "stripe-signature": signatureFor(d.payload, SECRET) };
  const response = await POST(new Request(`http://${host}/api/webhooks/stripe`, { method: "POST", headers, body: d.payload }), undefined);
  expect(response.status).toBe(200);
  return ((await response.json()) as { outcome: string }).outcome;
}

let visits = 0;
/** A gift opened on the public page by card (through the Stripe fake's checkout), not yet paid. */
async function cardGift(amount: string): Promise<GiftPayment & { email: string; donorId: string }> {
  visits += 1;
  const email = `refunded-giver-${randomUUID().slice(0, 8)}@example.org`;
  const idempotencyKey = randomUUID();
  const visitor = { organizationId: club.id, ip: `203.0.113.${100 + visits}`, origin: `http://${club.slug}.localhost:3000` };
  await giveByCard(visitor, { name: "Achieng Refunded", email, amount, idempotencyKey });
  const { rows } = await owner.query<{ id: string; donor_id: string; amount_minor: number }>(
    "SELECT id, donor_id, amount_minor FROM donation WHERE organization_id = $1 AND idempotency_key = $2",
    [club.id, idempotencyKey],
  );
  const gift = rows[0]!;
  return { organizationId: club.id, donationId: gift.id, paymentIntentId: newPaymentIntentId(), amountMinor: gift.amount_minor, currency: "KES", email, donorId: gift.donor_id };
}

type Receipt = { id: string; kind: string; number: string; seq: number; amount_minor: number; cancels: string | null };
const receiptsOf = async (donationId: string) =>
  (
    await owner.query<Receipt>(
      "SELECT r.id, r.kind, r.number, r.seq, r.amount_minor, c.number AS cancels FROM donor_receipt r LEFT JOIN donor_receipt c ON c.id = r.cancels_receipt_id WHERE r.donation_id = $1 ORDER BY r.year, r.seq",
      [donationId],
    )
  ).rows;
const donationOf = async (donationId: string) =>
  (await owner.query<{ status: string; amount_minor: number }>("SELECT status, amount_minor FROM donation WHERE id = $1", [donationId])).rows[0];
const ledgerOf = async (donationId: string) =>
  (await owner.query<{ kind: string; status: string; amount_minor: number; reference: string }>("SELECT kind, status, amount_minor, reference FROM payment WHERE donation_id = $1 ORDER BY created_at, kind", [donationId])).rows;
const mailsTo = async (email: string) => (await owner.query<{ subject: string; text: string }>('SELECT subject, text FROM email_outbox WHERE "to" = $1 ORDER BY created_at', [email])).rows;
/** Every receipt number the club has issued this year: 1..n, none missing, none twice. */
const seqsOfYear = async () => (await owner.query<{ seq: number }>("SELECT seq FROM donor_receipt WHERE organization_id = $1 AND year = $2 ORDER BY seq", [club.id, year])).rows.map((r) => r.seq);
const counts = async () =>
  (
    await owner.query<{ payments: number; receipts: number; audits: number; mails: number; donations: string }>(
      `SELECT (SELECT count(*) FROM payment WHERE organization_id = $1)::int AS payments,
              (SELECT count(*) FROM donor_receipt WHERE organization_id = $1)::int AS receipts,
              (SELECT count(*) FROM audit_entry WHERE organization_id = $1)::int AS audits,
              (SELECT count(*) FROM email_outbox)::int AS mails,
              (SELECT string_agg(id::text || status::text || amount_minor::text, ',' ORDER BY id) FROM donation WHERE organization_id = $1) AS donations`,
      [club.id],
    )
  ).rows[0];
const donationsThisYear = async () => {
  const figure = (await loadDashboard(club.actors.TREASURER)).find((f) => f.key === "donations-per-month")!;
  return figure.numbers.find((n) => n.key === "donations-KES")?.value ?? 0;
};
const expectGapless = (seqs: number[]) => expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

describe("[P4] a card gift's refund", () => {
  test("[P4] [B3.3] a partial refund: a REFUND row on the gift, its receipt cancelled and reissued for the amount kept, numbers gapless, both emailed", async () => {
    const gift = await cardGift("2500");
    expect(await deliver(paymentIntentSucceeded(gift))).toBe("applied");
    const [original] = await receiptsOf(gift.donationId);
    const counted = await donationsThisYear();

    const partial = chargeRefunded(gift, 100_000);
    expect(await deliver(partial)).toBe("applied");
    expect(await ledgerOf(gift.donationId)).toEqual([
      { kind: "PAYMENT", status: "SUCCEEDED", amount_minor: 250_000, reference: gift.paymentIntentId },
      { kind: "REFUND", status: "SUCCEEDED", amount_minor: 100_000, reference: `${gift.paymentIntentId}:to-100000` },
    ]);
    const receipts = await receiptsOf(gift.donationId);
    expect(receipts).toMatchObject([
      { kind: "RECEIPT", number: original!.number, amount_minor: 250_000, cancels: null },
      { kind: "CANCELLATION", seq: original!.seq + 1, amount_minor: 250_000, cancels: original!.number },
      { kind: "RECEIPT", seq: original!.seq + 2, amount_minor: 150_000, cancels: null },
    ]);
    expectGapless(await seqsOfYear());
    expect(await donationOf(gift.donationId)).toEqual({ status: "RECEIVED", amount_minor: 150_000 });
    // The dashboard and the donor's statement count what the club kept.
    expect(await donationsThisYear()).toBe(counted - 100_000);
    const statement = await annualStatement(club.actors.TREASURER, gift.donorId, String(year));
    expect(statement.gifts).toMatchObject([{ receiptNumber: receipts[2]!.number, amountMinor: 150_000 }]);
    expect(statement.totals).toEqual([{ currency: "KES", amountMinor: 150_000 }]);

    const mails = await mailsTo(gift.email);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining(`your donation receipt ${original!.number}`),
      expect.stringContaining(`receipt cancelled (${receipts[1]!.number})`),
      expect.stringContaining(`your donation receipt ${receipts[2]!.number}`),
    ]);
    expect(mails[1]!.text).toContain("a corrected receipt follows");

    const audit = await owner.query("SELECT actor_label, target_type, summary, before, after FROM audit_entry WHERE action = 'payment.card_refunded' AND target_id = $1", [gift.donationId]);
    expect(audit.rows).toMatchObject([
      {
        actor_label: "stripe",
        target_type: "Donation",
        summary: `card gift refunded in part, receipt ${original!.number} cancelled by ${receipts[1]!.number} and reissued as ${receipts[2]!.number}`,
        before: { status: "RECEIVED", amountMinor: 250_000, refundedMinor: 0, receipt: original!.number },
        after: { status: "RECEIVED", amountMinor: 150_000, refundedMinor: 100_000, receipt: receipts[2]!.number, cancellation: receipts[1]!.number, refunds: [{ amountMinor: 100_000 }] },
      },
    ]);
  });

  test("[P4] [B3.3] a full refund: the gift is REFUNDED, its receipt cancelled and none issued; the dashboard and the statement leave it out, the lists say Refunded", async () => {
    const gift = await cardGift("1200");
    await deliver(paymentIntentSucceeded(gift));
    const [original] = await receiptsOf(gift.donationId);
    const counted = await donationsThisYear();

    expect(await deliver(chargeRefunded(gift, 120_000, [{ id: "re_whole", amountMinor: 120_000 }]))).toBe("applied");
    expect((await ledgerOf(gift.donationId)).map((r) => [r.kind, r.amount_minor, r.reference])).toEqual([
      ["PAYMENT", 120_000, gift.paymentIntentId],
      ["REFUND", 120_000, `${gift.paymentIntentId}:re_whole`],
    ]);
    const receipts = await receiptsOf(gift.donationId);
    expect(receipts).toMatchObject([
      { kind: "RECEIPT", number: original!.number },
      { kind: "CANCELLATION", seq: original!.seq + 1, amount_minor: 120_000, cancels: original!.number },
    ]);
    expectGapless(await seqsOfYear());
    expect(await donationOf(gift.donationId)).toEqual({ status: "REFUNDED", amount_minor: 120_000 });

    expect(await donationsThisYear()).toBe(counted - 120_000);
    const statement = await annualStatement(club.actors.TREASURER, gift.donorId, String(year));
    expect(statement.gifts).toEqual([]);
    expect(statement.totals).toEqual([]);
    const listed = (await listDonations(club.actors.TREASURER)).find((d) => d.id === gift.donationId);
    expect(listed).toMatchObject({ status: "REFUNDED", receipt: { number: receipts[1]!.number, kind: "CANCELLATION" } });
    const donor = await donorDetail(club.actors.TREASURER, gift.donorId);
    expect(donor.donations).toMatchObject([{ id: gift.donationId, status: "REFUNDED" }]);
    expect(donor.receipts).toMatchObject([
      { number: receipts[1]!.number, kind: "CANCELLATION" },
      { number: original!.number, kind: "RECEIPT", cancelledBy: { number: receipts[1]!.number } },
    ]);

    const mails = await mailsTo(gift.email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toContain(`receipt cancelled (${receipts[1]!.number})`);
    expect(mails[1]!.text).toContain("has refunded your gift");
    const audit = await owner.query("SELECT summary, after FROM audit_entry WHERE action = 'payment.card_refunded' AND target_id = $1", [gift.donationId]);
    expect(audit.rows).toMatchObject([
      { summary: `card gift refunded in full, receipt ${original!.number} cancelled by ${receipts[1]!.number}`, after: { status: "REFUNDED", receipt: null, cancellation: receipts[1]!.number } },
    ]);
  });

  test("[P3] [P4] a refund event redelivered, or a new one with the same total, changes nothing; the rest refunded later ends the gift", async () => {
    const gift = await cardGift("3000");
    await deliver(paymentIntentSucceeded(gift));
    const first = chargeRefunded(gift, 50_000, [{ id: "re_one", amountMinor: 50_000 }]);
    expect(await deliver(first)).toBe("applied");
    const before = await counts();
    expect(await deliver(first)).toBe("duplicate");
    expect(await deliver(chargeRefunded(gift, 50_000, [{ id: "re_one", amountMinor: 50_000 }]))).toBe("already-applied");
    expect(await deliver(chargeRefunded(gift, 50_000))).toBe("already-applied");
    expect(await counts()).toEqual(before);
    expect(await donationOf(gift.donationId)).toEqual({ status: "RECEIVED", amount_minor: 250_000 });

    // The rest, listed with the first: only the new refund is recorded, and the kept receipt is cancelled in turn.
    expect(await deliver(chargeRefunded(gift, 300_000, [{ id: "re_two", amountMinor: 250_000 }, { id: "re_one", amountMinor: 50_000 }]))).toBe("applied");
    expect((await ledgerOf(gift.donationId)).filter((r) => r.kind === "REFUND").map((r) => [r.reference, r.amount_minor])).toEqual([
      [`${gift.paymentIntentId}:re_one`, 50_000],
      [`${gift.paymentIntentId}:re_two`, 250_000],
    ]);
    expect((await receiptsOf(gift.donationId)).map((r) => [r.kind, r.amount_minor])).toEqual([
      ["RECEIPT", 300_000],
      ["CANCELLATION", 300_000],
      ["RECEIPT", 250_000],
      ["CANCELLATION", 250_000],
    ]);
    expect(await donationOf(gift.donationId)).toEqual({ status: "REFUNDED", amount_minor: 250_000 });
    expectGapless(await seqsOfYear());
    const settled = await counts();
    expect(await deliver(chargeRefunded(gift, 300_000))).toBe("already-applied");
    expect(await deliver(paymentIntentSucceeded(gift))).toBe("already-applied");
    expect(await counts()).toEqual(settled);
  });

  test("[P4] a refund that overtakes the gift's paid event receives it first (a refund proves the payment); the paid event then changes nothing", async () => {
    const gift = await cardGift("800");
    expect(await deliver(chargeRefunded(gift, 30_000))).toBe("applied");
    expect((await ledgerOf(gift.donationId)).map((r) => [r.kind, r.amount_minor])).toEqual([
      ["PAYMENT", 80_000],
      ["REFUND", 30_000],
    ]);
    expect((await receiptsOf(gift.donationId)).map((r) => [r.kind, r.amount_minor])).toEqual([
      ["RECEIPT", 80_000],
      ["CANCELLATION", 80_000],
      ["RECEIPT", 50_000],
    ]);
    expect(await donationOf(gift.donationId)).toEqual({ status: "RECEIVED", amount_minor: 50_000 });
    // Every receipt issued reaches the donor, in the order issued.
    expect(await mailsTo(gift.email)).toHaveLength(3);
    const audit = await owner.query("SELECT summary, before, after FROM audit_entry WHERE action = 'payment.card_refunded' AND target_id = $1", [gift.donationId]);
    expect(audit.rows).toMatchObject([{ summary: expect.stringMatching(/^card gift received and refunded in part, /), before: { status: "PENDING", amountMinor: 80_000 }, after: { status: "RECEIVED", payment: { status: "SUCCEEDED" } } }]);

    const before = await counts();
    expect(await deliver(paymentIntentSucceeded(gift))).toBe("already-applied");
    expect(await counts()).toEqual(before);
  });

  test("[B3.3] a refunded gift's receipts stay locked: the database refuses UPDATE and DELETE", async () => {
    const gift = await cardGift("600");
    await deliver(paymentIntentSucceeded(gift));
    await deliver(chargeRefunded(gift, 60_000));
    const [receipt, cancellation] = await receiptsOf(gift.donationId);
    const app = await connectAs("app");
    try {
      for (const sql of ["UPDATE donor_receipt SET amount_minor = 1 WHERE id = $1", "DELETE FROM donor_receipt WHERE id = $1"]) {
        await app.query("BEGIN");
        try {
          await app.query("SELECT set_config('app.org_id', $1, true)", [club.id]);
          await expect(app.query(sql, [cancellation!.id])).rejects.toThrow(/permission denied for table donor_receipt/);
        } finally {
          await app.query("ROLLBACK");
        }
      }
    } finally {
      await app.end();
    }
    for (const { id } of [receipt!, cancellation!]) {
      await expect(owner.query("UPDATE donor_receipt SET amount_minor = 1 WHERE id = $1", [id])).rejects.toThrow(/donor_receipt is locked once issued: UPDATE/);
      await expect(owner.query("DELETE FROM donor_receipt WHERE id = $1", [id])).rejects.toThrow(/donor_receipt is locked once issued: DELETE/);
    }
    expect(await receiptsOf(gift.donationId)).toEqual([receipt, cancellation]);
  });
});
