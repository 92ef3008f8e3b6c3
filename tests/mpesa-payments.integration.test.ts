import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { POST } from "@/app/api/webhooks/mpesa/[token]/route";
import { connect, disconnectAll, swapAppDb } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { reconcileMpesaPayments } from "@/lib/jobs/mpesa-reconcile";
import { env } from "@/lib/env";
import { darajaCredential } from "@/lib/payments/credentials";
import { nairobiTimestamp } from "@/lib/payments/daraja-time";
import { invoicePaidMinor } from "@/lib/queries/ledger";
import { payableInvoiceForMember } from "@/lib/queries/payable-invoices";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { mpesaResultMessage } from "@/lib/schemas/mpesa-callbacks";
import { requestMpesaPayment, settleMpesaCallback, startMpesaPayment } from "@/lib/services/mpesa-payments";
import { startDarajaStandIn, type DarajaStandIn } from "@/scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { giveDarajaCredentials } from "./support/daraja-credentials";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { post, serveRoute, type RouteServer } from "./support/route-server";
import { captureLogLines, type LogLine } from "./support/stderr";

/**
 * M-Pesa STK payments end to end, offline: the real service pushes through
 * the real Daraja client to the Daraja stand-in, which POSTs real HTTP
 * callbacks into the real route handler. "Safaricom" sends from 127.0.0.2,
 * the only address on MPESA_CALLBACK_IPS; everyone else is on 127.0.0.1.
 */
const SAFARICOM = "127.0.0.2";
process.env.MPESA_CALLBACK_IPS = SAFARICOM;
const ROUTE = /^\/api\/webhooks\/mpesa\/(?<token>[^/]+)$/;
const NOT_FOUND = JSON.stringify({ error: "Not found" });

let standIn: DarajaStandIn;
let server: RouteServer;
let club: TestOrganization;
let other: TestOrganization;
let owner: pg.Client;
let token: string;

beforeAll(async () => {
  standIn = await startDarajaStandIn({ callbackDelayMs: 50, callbackFrom: SAFARICOM });
  process.env.DARAJA_BASE_URL = standIn.url;
  server = await serveRoute(ROUTE, POST);
  [club, other] = [await createTestOrganization("mpesa"), await createTestOrganization("mpesa-other")];
  for (const org of [club, other]) await giveDarajaCredentials(org);
  token = (await darajaCredential(club.id))!.callbackToken;
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner?.end();
  await server?.close();
  await standIn?.stop();
  await disconnectAll();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const hostOf = (org: TestOrganization) => `${org.slug}.localhost:${server.port}`;
const callbackPath = (t = token) => `/api/webhooks/mpesa/${t}`;

/** An open invoice of `amount` shillings and an STK push for it to a phone ending in `ending` (which picks the stand-in's outcome). */
async function pushFor(ending: string, options: { amount?: string; origin?: string } = {}) {
  const { invoice } = await createTestInvoice(club, { amount: options.amount ?? "250" });
  const payable = await payableInvoiceForMember(club.actors.TREASURER, invoice.id);
  const { paymentId } = await startMpesaPayment(club.actors.TREASURER, payable, { phone: `+25471234${ending}` }, options.origin ?? `http://${hostOf(club)}`);
  const checkoutRequestId = (await payment(paymentId)).reference!;
  return { invoiceId: invoice.id, paymentId, checkoutRequestId };
}

/** The ledger row, decrypted as the app reads it. */
const payment = (id: string, org = club) =>
  withTenant(org.id, (tx) =>
    tx.payment.findUniqueOrThrow({
      where: { id },
      select: { status: true, reference: true, amountMinor: true, mpesaReceipt: true, payerPhone: true, rawPayload: true, failureReason: true, paidAt: true },
    }),
  );
/** The same row as stored: ciphertext. */
const storedRow = async (id: string) =>
  (await owner.query<{ mpesa_receipt: string | null; mpesa_receipt_index: string | null; raw_payload: string | null }>("SELECT mpesa_receipt, mpesa_receipt_index, raw_payload FROM payment WHERE id = $1", [id])).rows[0];
const auditOf = (invoiceId: string, org = club) => withTenant(org.id, (tx) => tx.auditEntry.findMany({ where: { targetId: invoiceId }, orderBy: { seq: "asc" } }));
const auditCount = async () => Number((await owner.query<{ n: string }>("SELECT count(*) AS n FROM audit_entry")).rows[0].n);
const paid = (invoiceId: string) => withTenant(club.id, (tx) => invoicePaidMinor(tx, club.id, invoiceId));

/** The callbacks the route answered for one checkout, once `count` of them have arrived. */
async function answeredFor(checkoutRequestId: string, count = 1) {
  const arrived = () => server.answered.filter((a) => a.body.includes(`"${checkoutRequestId}"`));
  await vi.waitFor(() => expect(arrived()).toHaveLength(count), { timeout: 10_000, interval: 25 });
  return arrived();
}

/** A callback as Daraja writes it; `paid` adds CallbackMetadata with the items in Daraja's order (from the 1037 phone, unless told). */
function callbackBody(checkoutRequestId: string, resultCode: number, paid?: { shillings: number; receipt: string; phone?: string }) {
  return JSON.stringify({
    Body: {
      stkCallback: {
        MerchantRequestID: "29115-34620561-1",
        CheckoutRequestID: checkoutRequestId,
        ResultCode: resultCode,
        ResultDesc: resultCode === 0 ? "The service request is processed successfully." : "Request cancelled by user",
        ...(paid && {
          CallbackMetadata: {
            Item: [
              { Name: "Amount", Value: paid.shillings },
              { Name: "MpesaReceiptNumber", Value: paid.receipt },
              { Name: "Balance" },
              { Name: "TransactionDate", Value: Number(nairobiTimestamp()) },
              { Name: "PhoneNumber", Value: Number(paid.phone ?? "254712341037") },
            ],
          },
        }),
      },
    },
  });
}

const receipt = () => `T${randomBytes(9).toString("hex").toUpperCase().slice(0, 9)}`;
const asSafaricom = (body: string, options: { host?: string; path?: string } = {}) => post(server.port, { host: options.host ?? hostOf(club), path: options.path ?? callbackPath(), body, from: SAFARICOM });

/** Log lines written while `run` runs, parsed; a failed assertion inside `run` still fails the test. */
async function logLines(run: () => Promise<unknown>): Promise<LogLine[]> {
  const { outcome, lines } = await captureLogLines(run);
  if (outcome.status === "rejected") throw outcome.reason;
  return lines;
}

describe("STK callbacks through the Daraja stand-in", () => {
  test("[P3] [B3.3] a paid callback settles the payment once, by `mpesa` from Safaricom's address, with before/after; receipt and raw callback stored encrypted", async () => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor("5678");
    expect((await payment(paymentId)).status).toBe("PENDING");
    const [delivery] = await answeredFor(checkoutRequestId);
    expect(delivery.status).toBe(200);

    const settled = await payment(paymentId);
    expect(settled).toMatchObject({ status: "SUCCEEDED", amountMinor: 25_000, mpesaReceipt: expect.stringMatching(/^[A-Z0-9]{10}$/), payerPhone: "+254712345678", failureReason: null });
    expect(Math.abs(settled.paidAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(settled.rawPayload).toBe(JSON.stringify(JSON.parse(delivery.body)));
    expect(await paid(invoiceId)).toBe(25_000);
    expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, settled.mpesaReceipt!)).toMatchObject({ invoiceId, status: "SUCCEEDED" });

    const stored = await storedRow(paymentId);
    expect(stored.mpesa_receipt).toMatch(/^v1\./);
    expect(stored.raw_payload).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(settled.mpesaReceipt!);
    expect(stored.raw_payload).not.toContain(checkoutRequestId);

    const entry = (await auditOf(invoiceId)).find((e) => e.action === "payment.mpesa_paid")!;
    expect(entry).toMatchObject({ actorLabel: "mpesa", actorId: null, ip: SAFARICOM, targetType: "DuesInvoice" });
    expect(entry.before).toEqual({ paidMinor: 0, payment: { id: paymentId, status: "PENDING", mpesaReceipt: null, rawPayload: null, paidAt: null } });
    expect(entry.after).toEqual({ paidMinor: 25_000, payment: { id: paymentId, status: "SUCCEEDED", mpesaReceipt: "[set]", rawPayload: "[set]", paidAt: settled.paidAt!.toISOString() } });
  });

  test("[P3] a duplicate callback (Daraja sends the same one twice) changes nothing the second time: paid once, audited once", async () => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor("0002");
    const deliveries = await answeredFor(checkoutRequestId, 2);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(deliveries[1].body).toBe(deliveries[0].body);
    expect((await payment(paymentId)).status).toBe("SUCCEEDED");
    expect(await paid(invoiceId)).toBe(25_000);
    expect((await auditOf(invoiceId)).filter((e) => e.action === "payment.mpesa_paid")).toHaveLength(1);
  });

  test("[P3] twenty concurrent copies of one paid callback: exactly one settles, every copy gets 200", async () => {
    // A timeout callback leaves the payment pending; then the "late" paid callback arrives twenty times at once.
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor("1037");
    await answeredFor(checkoutRequestId);
    expect((await payment(paymentId)).status).toBe("PENDING");
    const body = callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() });
    const answers = await Promise.all(Array.from({ length: 20 }, () => asSafaricom(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect((await payment(paymentId)).status).toBe("SUCCEEDED");
    expect(await paid(invoiceId)).toBe(25_000);
    expect((await auditOf(invoiceId)).filter((e) => e.action === "payment.mpesa_paid")).toHaveLength(1);
  });

  test("[P3] a receipt number already on the ledger is never credited again, even under another CheckoutRequestID", async () => {
    const first = await pushFor("1037");
    await answeredFor(first.checkoutRequestId);
    const reused = receipt();
    expect((await asSafaricom(callbackBody(first.checkoutRequestId, 0, { shillings: 250, receipt: reused }))).status).toBe(200);
    const second = await pushFor("1037");
    await answeredFor(second.checkoutRequestId);
    const before = await auditCount();
    const lines = await logLines(async () => expect((await asSafaricom(callbackBody(second.checkoutRequestId, 0, { shillings: 250, receipt: reused }))).status).toBe(200));
    expect((await payment(second.paymentId)).status).toBe("PENDING");
    expect(await paid(second.invoiceId)).toBe(0);
    expect(await auditCount()).toBe(before);
    expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("mpesa callback duplicate") }));
  });

  test.each([
    { ending: "0003", what: "one shilling short", reason: /249\.00 paid, but .*250\.00 was asked/ },
    { ending: "0004", what: "from another phone than the one asked", reason: /another phone/ },
  ])("[P3] a paid callback $what is rejected: nothing credited, receipt and raw callback kept encrypted, audited by mpesa", async ({ ending, reason }) => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor(ending);
    const [delivery] = await answeredFor(checkoutRequestId);
    expect(delivery.status).toBe(200);
    const rejected = await payment(paymentId);
    expect(rejected).toMatchObject({ status: "FAILED", failureReason: expect.stringMatching(reason), mpesaReceipt: expect.stringMatching(/^[A-Z0-9]{10}$/), paidAt: null });
    expect(rejected.failureReason).not.toMatch(/2547/);
    expect(rejected.rawPayload).toBe(JSON.stringify(JSON.parse(delivery.body)));
    expect((await storedRow(paymentId)).raw_payload).toMatch(/^v1\./);
    expect(await paid(invoiceId)).toBe(0);
    const entry = (await auditOf(invoiceId)).find((e) => e.action === "payment.mpesa_rejected")!;
    expect(entry).toMatchObject({ actorLabel: "mpesa", ip: SAFARICOM, before: { paidMinor: 0 }, after: { paidMinor: 0, payment: { status: "FAILED", mpesaReceipt: "[set]" } } });
  });

  test.each([
    { ending: "1032", code: 1032, what: "cancelled on the phone" },
    { ending: "0001", code: 1, what: "insufficient funds" },
    { ending: "2001", code: 2001, what: "a wrong PIN" },
  ])("[P3] $what (ResultCode $code, no metadata) fails the payment with the payer's reason, audited by mpesa", async ({ ending, code }) => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor(ending);
    const [delivery] = await answeredFor(checkoutRequestId);
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).not.toHaveProperty("Body.stkCallback.CallbackMetadata");
    expect(await payment(paymentId)).toMatchObject({ status: "FAILED", failureReason: mpesaResultMessage(code), mpesaReceipt: null, paidAt: null });
    expect(await paid(invoiceId)).toBe(0);
    const entry = (await auditOf(invoiceId)).find((e) => e.action === "payment.mpesa_failed")!;
    expect(entry).toMatchObject({ actorLabel: "mpesa", ip: SAFARICOM, summary: expect.stringContaining(`ResultCode ${code}`) });
    expect(entry.after).toMatchObject({ paidMinor: 0, payment: { status: "FAILED", failureReason: mpesaResultMessage(code), rawPayload: "[set]" } });
  });
});

describe("the reconcile job (STK Push Query)", () => {
  const inTwoMinutes = () => new Date(Date.now() + 2 * 60_000);

  test("[P3] a timeout (1037) is not final: the payment stays pending until the status query finds it paid", async () => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor("1037");
    const before = await auditCount();
    const lines = await logLines(() => answeredFor(checkoutRequestId));
    expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("timed out") }));
    expect((await payment(paymentId)).status).toBe("PENDING");
    expect(await auditCount()).toBe(before);

    // Younger than a minute: not asked about yet.
    await reconcileMpesaPayments();
    expect((await payment(paymentId)).status).toBe("PENDING");

    await reconcileMpesaPayments({ now: inTwoMinutes() });
    expect(await payment(paymentId)).toMatchObject({ status: "SUCCEEDED", mpesaReceipt: null, rawPayload: expect.stringContaining('"resultCode":0') });
    expect(await paid(invoiceId)).toBe(25_000);
    const entries = (await auditOf(invoiceId)).filter((e) => e.action === "payment.mpesa_paid");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorLabel: "mpesa", ip: null, summary: expect.stringContaining("status query") });

    await reconcileMpesaPayments({ now: inTwoMinutes() });
    expect((await auditOf(invoiceId)).filter((e) => e.action === "payment.mpesa_paid")).toHaveLength(1);
  });

  test("[P3] a callback that never arrived: the query's final failure fails the payment", async () => {
    const closed = await serveRoute(ROUTE, POST);
    await closed.close();
    const { invoiceId, paymentId } = await pushFor("1032", { origin: `http://${club.slug}.localhost:${closed.port}` });
    // Until the stand-in has tried the callback, the query says "still processing" and the payment stays pending.
    await vi.waitFor(
      async () => {
        await reconcileMpesaPayments({ now: inTwoMinutes() });
        expect(await payment(paymentId)).toMatchObject({ status: "FAILED", failureReason: mpesaResultMessage(1032) });
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await auditOf(invoiceId)).filter((e) => e.action === "payment.mpesa_failed")).toMatchObject([{ actorLabel: "mpesa", ip: null }]);
  });

  test("[P3] a valid callback while our database is down gets 202, never a 5xx; the payment stays pending and the job settles it once the database is back", async () => {
    const { invoiceId, paymentId, checkoutRequestId } = await pushFor("1037");
    await answeredFor(checkoutRequestId);
    const gone = await serveRoute(ROUTE, POST);
    await gone.close();
    const url = new URL(env().appDatabaseUrl);
    url.port = String(gone.port);
    const down = connect(url.toString(), env().keyring);
    const up = swapAppDb(down);
    let answer;
    try {
      answer = await asSafaricom(callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() }));
    } finally {
      swapAppDb(up);
      await down.$disconnect();
    }
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toMatchObject({ ResultCode: 0, id: expect.any(String) });
    expect((await payment(paymentId)).status).toBe("PENDING");
    await reconcileMpesaPayments({ now: inTwoMinutes() });
    expect((await payment(paymentId)).status).toBe("SUCCEEDED");
    expect(await paid(invoiceId)).toBe(25_000);
  });

  test("[P3] a payment Daraja never confirms is closed as failed after an hour, with a reason for the payer", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "250" });
    const checkoutRequestId = `ws_CO_never_${randomBytes(4).toString("hex")}`;
    const { id } = await requestMpesaPayment(club.actors.TREASURER, { invoiceId: invoice.id, checkoutRequestId, amountMinor: 25_000, phone: "+254712345678" });
    await reconcileMpesaPayments({ now: inTwoMinutes() });
    expect((await payment(id)).status).toBe("PENDING");
    await reconcileMpesaPayments({ now: new Date(Date.now() + 2 * 3_600_000) });
    expect(await payment(id)).toMatchObject({ status: "FAILED", failureReason: expect.stringContaining("never confirmed") });
    expect((await auditOf(invoice.id)).filter((e) => e.action === "payment.mpesa_failed")).toHaveLength(1);

    // A "paid" callback after that changes nothing, and says so loudly: money to look at by hand.
    const late = callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt(), phone: "254712345678" });
    const lines = await logLines(async () => expect((await asSafaricom(late)).status).toBe(200));
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("already closed as failed") }));
    expect((await payment(id)).status).toBe("FAILED");
  });
});

describe("bad input: the right status, a log line, nothing changed", () => {
  async function pendingPayment() {
    const pushed = await pushFor("1037");
    await answeredFor(pushed.checkoutRequestId);
    return pushed;
  }

  test("[P3] a wrong token, another club's token, or an unknown club: the one 404, and nothing settles", async () => {
    const { paymentId, checkoutRequestId } = await pendingPayment();
    const body = callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() });
    const otherToken = (await darajaCredential(other.id))!.callbackToken;
    const before = await auditCount();
    const answers = [
      await asSafaricom(body, { path: callbackPath(randomBytes(32).toString("base64url")) }),
      await asSafaricom(body, { path: callbackPath(token.slice(0, -1)) }),
      await asSafaricom(body, { path: callbackPath(otherToken) }),
      await asSafaricom(body, { host: `no-such-club.localhost:${server.port}` }),
      await asSafaricom(body, { host: `localhost:${server.port}` }),
    ];
    for (const answer of answers) expect(answer).toEqual({ status: 404, body: NOT_FOUND });
    expect((await payment(paymentId)).status).toBe("PENDING");
    expect(await auditCount()).toBe(before);
  });

  test("[P3] MPESA_CALLBACK_IPS is a second check that never trusts the first X-Forwarded-For", async () => {
    const { paymentId, checkoutRequestId } = await pendingPayment();
    const body = callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() });
    const behindProxy = await serveRoute(ROUTE, POST, { trustedHops: 1 });
    try {
      const spoofed = [
        // Straight to the app from elsewhere, claiming to be Safaricom.
        await post(server.port, { host: hostOf(club), path: callbackPath(), body, headers: { "x-forwarded-for": SAFARICOM } }),
        // Behind one proxy: the client's own first entry is ignored, the proxy's (last) entry counts.
        await post(behindProxy.port, { host: `${club.slug}.localhost:${behindProxy.port}`, path: callbackPath(), body, headers: { "x-forwarded-for": `${SAFARICOM}, 203.0.113.5` } }),
      ];
      for (const answer of spoofed) expect(answer).toEqual({ status: 404, body: NOT_FOUND });
      expect((await payment(paymentId)).status).toBe("PENDING");
      expect((await asSafaricom(body)).status).toBe(200);
      expect((await payment(paymentId)).status).toBe("SUCCEEDED");
    } finally {
      await behindProxy.close();
    }
  });

  test("[P3] a malformed callback gets 400 and changes nothing", async () => {
    const { paymentId, checkoutRequestId } = await pendingPayment();
    const before = await auditCount();
    const stkCallback = { MerchantRequestID: "1-2-3", CheckoutRequestID: checkoutRequestId };
    const bodies = [
      "not json",
      "",
      JSON.stringify({ stkCallback: { ...stkCallback, ResultCode: 0, ResultDesc: "ok" } }),
      JSON.stringify({ Body: { stkCallback: { ...stkCallback, ResultCode: "0", ResultDesc: "ok" } } }),
      // "Paid" without what was paid.
      JSON.stringify({ Body: { stkCallback: { ...stkCallback, ResultCode: 0, ResultDesc: "ok" } } }),
      JSON.stringify({ Body: { stkCallback: { ...stkCallback, ResultCode: 0, ResultDesc: "ok", CallbackMetadata: { Item: [{ Name: "Amount", Value: 250 }] } } } }),
      "x".repeat(70 * 1024),
    ];
    let lines: { message: string }[] = [];
    for (const body of bodies) {
      lines = await logLines(async () => expect((await asSafaricom(body)).status, body.slice(0, 80)).toBe(400));
      expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining("malformed") }));
    }
    expect((await payment(paymentId)).status).toBe("PENDING");
    expect(await auditCount()).toBe(before);
  });

  test("[P3] metadata is read by item name, in any order", async () => {
    const { paymentId, checkoutRequestId } = await pendingPayment();
    const body = JSON.parse(callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() })) as { Body: { stkCallback: { CallbackMetadata: { Item: unknown[] } } } };
    body.Body.stkCallback.CallbackMetadata.Item.reverse();
    expect((await asSafaricom(JSON.stringify(body))).status).toBe(200);
    expect(await payment(paymentId)).toMatchObject({ status: "SUCCEEDED", amountMinor: 25_000 });
  });

  test("[P3] an unknown CheckoutRequestID, or another club's, gets 200 with no effect and a log line", async () => {
    const theirs = await createTestInvoice(other, { amount: "250" });
    const theirCheckout = `ws_CO_theirs_${randomBytes(4).toString("hex")}`;
    const { id: theirPayment } = await requestMpesaPayment(other.actors.TREASURER, { invoiceId: theirs.invoice.id, checkoutRequestId: theirCheckout, amountMinor: 25_000, phone: "+254712345678" });
    const before = await auditCount();
    for (const checkoutRequestId of [`ws_CO_unknown_${randomBytes(4).toString("hex")}`, theirCheckout]) {
      const lines = await logLines(async () => expect((await asSafaricom(callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() }))).status).toBe(200));
      expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("unknown CheckoutRequestID") }));
    }
    expect((await payment(theirPayment, other)).status).toBe("PENDING");
    expect(await auditCount()).toBe(before);
  });

  test("settleMpesaCallback, called directly (as the seed does), settles the same way and says what happened", async () => {
    const { paymentId, checkoutRequestId } = await pendingPayment();
    const body = JSON.parse(callbackBody(checkoutRequestId, 0, { shillings: 250, receipt: receipt() })) as unknown;
    expect(await settleMpesaCallback(club.id, body)).toBe("paid");
    expect(await settleMpesaCallback(club.id, body)).toBe("duplicate");
    expect(await settleMpesaCallback(club.id, { Body: {} })).toBe("malformed");
    expect((await payment(paymentId)).status).toBe("SUCCEEDED");
  });
});
