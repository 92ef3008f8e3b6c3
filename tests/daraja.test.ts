import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { darajaClient, DarajaError, stkPassword, type DarajaCredentials, type StkPushRequest } from "@/lib/payments/daraja";
import { fromNairobiTimestamp, nairobiTimestamp } from "@/lib/payments/daraja-time";
import { b2cStatusResultBody } from "@/lib/schemas/b2c-results";
import { mpesaResultMessage, stkCallbackBody, stkPaymentFromMetadata } from "@/lib/schemas/mpesa-callbacks";
import { startDarajaStandIn, type DarajaStandIn } from "@/scripts/lib/daraja-stand-in";

/** Safaricom's published sandbox shortcode and passkey (they open no account). */
const SHORTCODE = "174379";
const PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";

type Delivery = { host: string | undefined; path: string | undefined; body: unknown };

/** Where the stand-in's callbacks land: a plain HTTP server that keeps what it is sent. */
async function startCallbackReceiver() {
  const deliveries: Delivery[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    deliveries.push({ host: req.headers.host, path: req.url, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ResultCode: 0, ResultDesc: "Accepted" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, deliveries, close: () => new Promise((resolve) => server.close(resolve)) };
}

let standIn: DarajaStandIn;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;

beforeAll(async () => {
  standIn = await startDarajaStandIn();
  receiver = await startCallbackReceiver();
});
afterAll(async () => {
  await standIn.stop();
  await receiver.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Each test its own consumer key, so no test borrows another's cached token. */
const credentials = (overrides: Partial<DarajaCredentials> = {}): DarajaCredentials => ({
  baseUrl: standIn.url,
  consumerKey: `key-${randomUUID()}`,
  consumerSecret: "sandbox-consumer-secret",
  shortcode: SHORTCODE,
  passkey: PASSKEY,
  ...overrides,
});

const pushFrom = (ending: string, overrides: Partial<StkPushRequest> = {}): StkPushRequest => ({
  amountMinor: 25_000,
  phone: `+25471234${ending}`,
  accountReference: "DUES-2025",
  description: "Club dues",
  callbackUrl: `http://127.0.0.1:${receiver.port}/api/webhooks/mpesa`,
  ...overrides,
});

const callbackId = (delivery: Delivery) => (delivery.body as { Body: { stkCallback: { CheckoutRequestID: string } } }).Body.stkCallback.CheckoutRequestID;

/** The callbacks that arrived for one push, once `count` of them have. */
async function callbacksFor(checkoutRequestId: string, count = 1): Promise<Delivery[]> {
  const arrived = () => receiver.deliveries.filter((delivery) => callbackId(delivery) === checkoutRequestId);
  await vi.waitFor(() => expect(arrived()).toHaveLength(count), { timeout: 5_000, interval: 20 });
  return arrived();
}

/** The error a promise rejects with, to look at its message as a log would. */
async function rejection(promise: Promise<unknown>): Promise<DarajaError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DarajaError);
  return error as DarajaError;
}

describe("Daraja timestamps and the STK password", () => {
  test("the password is base64(shortcode + passkey + timestamp): Safaricom's published example", () => {
    expect(stkPassword(SHORTCODE, PASSKEY, "20160216165627")).toBe(
      "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3",
    );
  });

  test("a timestamp is Nairobi's wall clock (UTC+3), and reads back to the same moment", () => {
    const newYearInNairobi = new Date("2024-12-31T21:30:05Z");
    expect(nairobiTimestamp(newYearInNairobi)).toBe("20250101003005");
    expect(fromNairobiTimestamp("20250101003005")).toEqual(newYearInNairobi);
    expect(fromNairobiTimestamp("20240230120000")).toBeNull();
    expect(fromNairobiTimestamp("2024023012")).toBeNull();
  });

  test("a push sends Daraja's standard body: whole shillings, 2547… without the plus, a password made with the timestamp sent", async () => {
    const { checkoutRequestId } = await darajaClient(credentials()).stkPush(pushFrom("5678"));
    const sent = standIn.pushes().find((push) => push.checkoutRequestId === checkoutRequestId)!.body;
    expect(sent).toEqual({
      BusinessShortCode: SHORTCODE,
      Password: stkPassword(SHORTCODE, PASSKEY, sent.Timestamp as string),
      Timestamp: expect.stringMatching(/^\d{14}$/),
      TransactionType: "CustomerPayBillOnline",
      Amount: 250,
      PartyA: "254712345678",
      PartyB: SHORTCODE,
      PhoneNumber: "254712345678",
      CallBackURL: pushFrom("5678").callbackUrl,
      AccountReference: "DUES-2025",
      TransactionDesc: "Club dues",
    });
    expect(Math.abs(fromNairobiTimestamp(sent.Timestamp as string)!.getTime() - Date.now())).toBeLessThan(5_000);
    await callbacksFor(checkoutRequestId);
  });
});

describe("the client against the stand-in", () => {
  test("one OAuth call serves two pushes; each push gets its own checkout id and receipt", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const client = darajaClient(credentials());
    const first = await client.stkPush(pushFrom("5678"));
    const second = await client.stkPush(pushFrom("5678"));
    const oauthCalls = fetchSpy.mock.calls.filter(([url]) => String(url).includes("/oauth/v1/generate"));
    expect(oauthCalls).toHaveLength(1);
    expect(first.checkoutRequestId).toMatch(/^ws_CO_/);
    expect(second.checkoutRequestId).not.toBe(first.checkoutRequestId);
    expect(first.customerMessage).toBeTruthy();
    const receipts = await Promise.all(
      [first, second].map(async ({ checkoutRequestId }) => stkCallbackBody.parse((await callbacksFor(checkoutRequestId))[0].body).payment?.receiptNumber),
    );
    expect(receipts[0]).toMatch(/^[A-Z0-9]{10}$/);
    expect(receipts[1]).not.toBe(receipts[0]);
  });

  test.each([
    { ending: "5678", outcome: "paid", callback: 0, paidShillings: 250, deliveries: 1, query: 0 },
    { ending: "1032", outcome: "cancelled on the phone", callback: 1032, paidShillings: null, deliveries: 1, query: 1032 },
    { ending: "1037", outcome: "phone unreachable, yet the query finds it paid", callback: 1037, paidShillings: null, deliveries: 1, query: 0 },
    { ending: "0001", outcome: "insufficient funds", callback: 1, paidShillings: null, deliveries: 1, query: 1 },
    { ending: "2001", outcome: "wrong PIN", callback: 2001, paidShillings: null, deliveries: 1, query: 2001 },
    { ending: "0002", outcome: "paid, the same callback sent twice", callback: 0, paidShillings: 250, deliveries: 2, query: 0 },
    { ending: "0003", outcome: "paid one shilling short", callback: 0, paidShillings: 249, deliveries: 1, query: 0 },
    { ending: "0004", outcome: "paid from another phone", callback: 0, paidShillings: 250, deliveries: 1, query: 0, paidFrom: "0005" },
  ])("a phone ending in $ending: $outcome", async ({ ending, callback, paidShillings, deliveries, query, paidFrom }) => {
    const client = darajaClient(credentials());
    const pushed = await client.stkPush(pushFrom(ending));
    const arrived = await callbacksFor(pushed.checkoutRequestId, deliveries);
    for (const delivery of arrived) expect(delivery.body).toEqual(arrived[0].body);

    const parsed = stkCallbackBody.parse(arrived[0].body);
    expect(parsed).toMatchObject({ merchantRequestId: pushed.merchantRequestId, checkoutRequestId: pushed.checkoutRequestId, resultCode: callback });
    if (paidShillings === null) {
      expect(parsed.payment).toBeNull();
      expect(arrived[0].body).not.toHaveProperty("Body.stkCallback.CallbackMetadata");
    } else {
      expect(parsed.payment).toEqual({
        amountMinor: paidShillings * 100,
        receiptNumber: expect.stringMatching(/^[A-Z0-9]{10}$/),
        transactionDate: expect.any(Date),
        phone: `+25471234${paidFrom ?? ending}`,
      });
      expect(Math.abs(parsed.payment!.transactionDate!.getTime() - Date.now())).toBeLessThan(5_000);
    }
    expect(await client.stkQuery(pushed.checkoutRequestId)).toEqual({ state: "final", resultCode: query, resultDesc: expect.any(String) });
  });

  test("a query before the callback is sent is pending; after it, final", async () => {
    const client = darajaClient(credentials());
    const { checkoutRequestId } = await client.stkPush(pushFrom("5678"));
    expect(await client.stkQuery(checkoutRequestId)).toEqual({ state: "pending" });
    await callbacksFor(checkoutRequestId);
    expect(await client.stkQuery(checkoutRequestId)).toEqual({ state: "final", resultCode: 0, resultDesc: "The service request is processed successfully." });
  });

  test("a callback to a *.localhost tenant reaches 127.0.0.1 with its Host header kept", async () => {
    const callbackUrl = `http://kilimani.localhost:${receiver.port}/api/webhooks/mpesa?via=stand-in`;
    const { checkoutRequestId } = await darajaClient(credentials()).stkPush(pushFrom("5678", { callbackUrl }));
    const [delivery] = await callbacksFor(checkoutRequestId);
    expect(delivery).toMatchObject({ host: `kilimani.localhost:${receiver.port}`, path: "/api/webhooks/mpesa?via=stand-in" });
  });

  test("after the stand-in restarts, the stale token fails one call with 401 and the next call fetches a fresh one", async () => {
    const restartable = await startDarajaStandIn();
    const port = new URL(restartable.url).port;
    const client = darajaClient(credentials({ baseUrl: restartable.url }));
    await client.stkPush(pushFrom("1032"));
    await restartable.stop();
    const restarted = await startDarajaStandIn({ port: Number(port) });
    try {
      expect(await rejection(client.stkPush(pushFrom("1032")))).toMatchObject({ operation: "stk-push", status: 401, code: "404.001.03" });
      await expect(client.stkPush(pushFrom("1032"))).resolves.toMatchObject({ checkoutRequestId: expect.stringMatching(/^ws_CO_/) });
    } finally {
      await restarted.stop();
    }
  });
});

describe("refusals are DarajaErrors whose message is safe to log", () => {
  const leaks = (error: DarajaError) => [error.message, String(error.cause ?? "")].join(" ").match(/71234|hunter2|Basic |Bearer /);

  test("bad credentials: the OAuth refusal, without the secret", async () => {
    const client = darajaClient(credentials({ consumerKey: "", consumerSecret: "hunter2-secret" }));
    const error = await rejection(client.stkPush(pushFrom("5678")));
    expect(error).toMatchObject({ operation: "oauth", status: 400, code: "400.008.01" });
    expect(leaks(error)).toBeNull();
  });

  test("a body Daraja rejects: its code and field, without the phone, and no callback follows", async () => {
    const before = standIn.pushes().length;
    const error = await rejection(darajaClient(credentials()).stkPush(pushFrom("5678", { callbackUrl: "ftp://example.org/mpesa" })));
    expect(error).toMatchObject({ operation: "stk-push", status: 400, code: "400.002.02" });
    expect(error.message).toContain("CallBackURL");
    expect(leaks(error)).toBeNull();
    expect(standIn.pushes()).toHaveLength(before);
  });

  test.each([
    { what: "a non-whole shilling amount", change: { amountMinor: 25_050 } },
    { what: "a phone outside Kenya", change: { phone: "+255712345678" } },
    { what: "an account reference over 12 characters", change: { accountReference: "DUES-2025-MARCH" } },
    { what: "a description over 13 characters", change: { description: "Club dues for March" } },
  ])("$what is refused before anything is sent", async ({ change }) => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const error = await rejection(darajaClient(credentials()).stkPush(pushFrom("5678", change)));
    expect(error).toMatchObject({ operation: "stk-push", status: null });
    expect(leaks(error)).toBeNull();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  test("the stand-in refuses a push without a token it issued, and a password that is not shortcode + … + timestamp", async () => {
    const post = (authorization: string, body: object) =>
      fetch(`${standIn.url}/mpesa/stkpush/v1/processrequest`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("Bearer not-issued", {})).status).toBe(401);

    const oauth = await fetch(`${standIn.url}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: `Basic ${btoa("key:secret")}` } });
    const { access_token } = (await oauth.json()) as { access_token: string };
    const timestamp = "20160216165627";
    const push = {
      ...{ BusinessShortCode: SHORTCODE, Password: stkPassword(SHORTCODE, PASSKEY, timestamp), Timestamp: timestamp, TransactionType: "CustomerPayBillOnline" },
      ...{ Amount: 1, PartyA: "254712345678", PartyB: SHORTCODE, PhoneNumber: "254712341032", CallBackURL: pushFrom("1032").callbackUrl, AccountReference: "X", TransactionDesc: "X" },
    };
    expect((await post(`Bearer ${access_token}`, push)).status).toBe(200);
    const refused = await post(`Bearer ${access_token}`, { ...push, Password: stkPassword("999999", PASSKEY, timestamp) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errorCode: "400.002.02", errorMessage: "Bad Request - Invalid Password" });
  });
});

describe("reading a callback", () => {
  /** Safaricom's published example of a successful callback. */
  const paid = () => ({
    Body: {
      stkCallback: {
        MerchantRequestID: "29115-34620561-1",
        CheckoutRequestID: "ws_CO_191220191020363925",
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        CallbackMetadata: {
          Item: [
            { Name: "Amount", Value: 1.0 },
            { Name: "MpesaReceiptNumber", Value: "NLJ7RT61SV" },
            { Name: "TransactionDate", Value: 20191219102115 },
            { Name: "PhoneNumber", Value: 254708374149 },
          ],
        },
      },
    },
  });
  const EXAMPLE_PAYMENT = {
    amountMinor: 100,
    receiptNumber: "NLJ7RT61SV",
    transactionDate: new Date("2019-12-19T07:21:15Z"),
    phone: "+254708374149",
  };

  test("metadata is read by item name, whatever the order, with Balance and unknown items ignored", () => {
    const items = paid().Body.stkCallback.CallbackMetadata.Item;
    expect(stkPaymentFromMetadata(items)).toEqual(EXAMPLE_PAYMENT);
    const shuffled = [items[3], { Name: "Balance" }, items[1], { Name: "Unannounced", Value: "x" }, items[2], items[0]];
    expect(stkPaymentFromMetadata(shuffled)).toEqual(EXAMPLE_PAYMENT);
    expect(stkCallbackBody.parse({ Body: { stkCallback: { ...paid().Body.stkCallback, CallbackMetadata: { Item: shuffled } } } }).payment).toEqual(EXAMPLE_PAYMENT);
  });

  test("a masked phone number reads as none; the payment still stands", () => {
    const items = paid().Body.stkCallback.CallbackMetadata.Item.map((item) => (item.Name === "PhoneNumber" ? { ...item, Value: "2547 ***** 149" } : item));
    expect(stkPaymentFromMetadata(items)).toEqual({ ...EXAMPLE_PAYMENT, phone: null });
  });

  test("a success without Amount or MpesaReceiptNumber fails the schema", () => {
    for (const missing of ["Amount", "MpesaReceiptNumber"]) {
      const body = paid();
      body.Body.stkCallback.CallbackMetadata.Item = body.Body.stkCallback.CallbackMetadata.Item.filter((item) => item.Name !== missing);
      expect(stkCallbackBody.safeParse(body).success).toBe(false);
    }
  });

  test("a failure carries no payment, and the payer is told in a sentence", () => {
    const cancelled = { Body: { stkCallback: { MerchantRequestID: "29115-34620561-1", CheckoutRequestID: "ws_CO_191220191020363925", ResultCode: 1032, ResultDesc: "Request cancelled by user" } } };
    expect(stkCallbackBody.parse(cancelled)).toMatchObject({ resultCode: 1032, payment: null });
    expect(mpesaResultMessage(1032)).toBe("You cancelled the request on your phone.");
    expect(mpesaResultMessage(1037)).toMatch(/may still go through/);
    expect(mpesaResultMessage(9999)).toBe("M-Pesa could not complete the payment. Please try again.");
  });
});

describe("Transaction Status (B2C payouts)", () => {
  const b2c = { initiatorName: "testapi", securityCredential: Buffer.from("credential").toString("base64") };
  const statusOf = (originatorConversationId: string) => ({
    ...b2c,
    originatorConversationId,
    resultUrl: `http://127.0.0.1:${receiver.port}/status`,
    queueTimeoutUrl: `http://127.0.0.1:${receiver.port}/status`,
    remarks: "Welfare payout status",
    occasion: originatorConversationId,
  });
  const answerAbout = async (occasion: string) => {
    await vi.waitFor(() => expect(receiver.deliveries.some((d) => d.path === "/status" && JSON.stringify(d.body).includes(occasion))).toBe(true), { timeout: 5_000, interval: 20 });
    return b2cStatusResultBody.parse(receiver.deliveries.find((d) => d.path === "/status" && JSON.stringify(d.body).includes(occasion))!.body);
  };

  test("a payout the stand-in accepted is Completed with its receipt and amount; one it never saw gets 'no such transaction'", async () => {
    const client = darajaClient(credentials({ shortcode: "600996" }));
    const paidOut = randomUUID();
    standIn.dropB2cResults(1);
    await client.b2cPayment({ ...b2c, originatorConversationId: paidOut, amountMinor: 150_000, phone: "+254712345678", remarks: "Welfare", resultUrl: `http://127.0.0.1:${receiver.port}/b2c`, queueTimeoutUrl: `http://127.0.0.1:${receiver.port}/b2c` });
    const accepted = await client.transactionStatus(statusOf(paidOut));
    expect(accepted.originatorConversationId).not.toBe(paidOut);
    expect(standIn.statusQueries().at(-1)).toMatchObject({ CommandID: "TransactionStatusQuery", OriginatorConversationID: paidOut, PartyA: "600996", IdentifierType: "4" });
    expect(await answerAbout(paidOut)).toMatchObject({ payoutId: paidOut, resultCode: 0, outcome: { state: "paid", payout: { amountMinor: 150_000, receipt: expect.stringMatching(/^[A-Z0-9]{10}$/) } } });

    const unseen = randomUUID();
    await client.transactionStatus(statusOf(unseen));
    expect(await answerAbout(unseen)).toEqual({ payoutId: unseen, resultCode: 2032, resultDesc: expect.any(String), outcome: { state: "unanswered" } });
  });

  test("remarks out of range are refused before Daraja is called", async () => {
    const before = standIn.statusQueries().length;
    const error = await rejection(darajaClient(credentials()).transactionStatus({ ...statusOf(randomUUID()), remarks: "x" }));
    expect(error.operation).toBe("transaction-status");
    expect(standIn.statusQueries()).toHaveLength(before);
  });

  test("a Reversed or pending transaction is not an answer; Completed without a receipt fails the schema", () => {
    const result = (status: string, extra: { Key: string; Value?: string | number }[] = []) => ({
      Result: { ResultCode: 0, ResultDesc: "ok", ResultParameters: { ResultParameter: [{ Key: "OriginatorConversationID", Value: "p" }, { Key: "TransactionStatus", Value: status }, ...extra] } },
    });
    expect(b2cStatusResultBody.parse(result("Reversed")).outcome).toEqual({ state: "unanswered" });
    expect(b2cStatusResultBody.parse(result("Declined")).outcome).toEqual({ state: "failed", transactionStatus: "Declined" });
    expect(b2cStatusResultBody.safeParse(result("Completed", [{ Key: "Amount", Value: 10 }])).success).toBe(false);
  });
});
