import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { nairobiTimestamp } from "../../lib/payments/daraja-time";

/**
 * A local stand-in for Safaricom's Daraja (OAuth, STK push, STK query) that
 * answers as Daraja does and then POSTs the callback over real HTTP, so tests
 * and the demo exercise the whole M-Pesa round trip offline.
 *
 * The payer phone's last four digits pick the outcome, like Stripe's test cards:
 *
 * | phone ends in   | callback                                                  | STK query once sent |
 * |-----------------|-----------------------------------------------------------|---------------------|
 * | anything else   | paid: ResultCode 0, Amount, MpesaReceiptNumber, date, phone | 0                 |
 * | 1032            | cancelled by the payer: ResultCode 1032                   | 1032                |
 * | 1037            | phone unreachable: ResultCode 1037, yet the payment went through | 0            |
 * | 0001            | insufficient funds: ResultCode 1                          | 1                   |
 * | 2001            | wrong PIN: ResultCode 2001                                | 2001                |
 * | 0002            | paid, and the same callback sent twice                    | 0                   |
 * | 0003            | paid, but Amount one shilling less than asked             | 0                   |
 * | 0004            | paid, but PhoneNumber another phone than the one asked    | 0                   |
 *
 * B2C payouts (POST /mpesa/b2c/v3/paymentrequest, as Daraja's v3): accepted
 * with a ConversationID, then the Result is POSTed to the ResultURL after the
 * same delay. The receiving phone's last four digits pick it: `2001` → ResultCode
 * 2001 (initiator information invalid), `0001` → ResultCode 1 (not enough
 * funds in the utility account); anything else is paid, with TransactionAmount,
 * TransactionReceipt and TransactionCompletedDateTime. A phone ending in
 * `0005` is paid but its result is lost (never posted), as when Safaricom's
 * call to us fails; `dropB2cResults(n)` loses the next n results, whatever the phone;
 * `leaveB2cUnanswered(n)` carries out the next n payout requests but never
 * answers them (the caller times out, not knowing the money left).
 *
 * Transaction Status (POST /mpesa/transactionstatus/v1/query, by
 * OriginatorConversationID or TransactionID): accepted, then the status
 * Result is POSTed to its ResultURL after the same delay. A payout it accepted
 * is "Completed" (ReceiptNo, Amount, FinalisedTime) or "Failed" as its result
 * said; a transaction it never accepted gets ResultCode 2032, "no such
 * transaction", with no parameters. The Occasion sent comes back in ReferenceData.
 *
 * Until the callback is sent, STK query answers "still processing" (HTTP 500,
 * errorCode 500.001.1001). Push and query need a Bearer token this stand-in
 * issued; the OAuth endpoint issues one for any non-empty Basic credentials.
 */
export type DarajaStandIn = {
  url: string;
  stop(): Promise<void>;
  pushes(): ReceivedPush[];
  payouts(): ReceivedPush[];
  /** The Transaction Status queries received, in order. */
  statusQueries(): Record<string, unknown>[];
  /** The next `count` B2C results are lost: the payouts settle, their results are never sent. */
  dropB2cResults(count?: number): void;
  /** The next `count` payout requests are carried out (the payout settles) but never answered. */
  leaveB2cUnanswered(count?: number): void;
};
export type ReceivedPush = { checkoutRequestId: string; body: Record<string, unknown> };

type Result = { resultCode: number; resultDesc: string };
type Scenario = { callback: Result; query: Result; deliveries: number; shortByShillings: number; fromAnotherPhone: boolean };
type Push = ReceivedPush & { merchantRequestId: string; scenario: Scenario; sent: boolean };
/** A payout as M-Pesa holds it: settled the moment it is accepted, whatever becomes of its result. */
type Payout = ReceivedPush & { conversationId: string; receipt: string; completedAt: string; failure: Result | undefined };

const PAID: Result = { resultCode: 0, resultDesc: "The service request is processed successfully." };
const paid: Scenario = { callback: PAID, query: PAID, deliveries: 1, shortByShillings: 0, fromAnotherPhone: false };
const failed = (result: Result): Scenario => ({ ...paid, callback: result, query: result });

const SCENARIOS: ReadonlyMap<string, Scenario> = new Map([
  ["1032", failed({ resultCode: 1032, resultDesc: "Request cancelled by user" })],
  ["1037", { ...failed({ resultCode: 1037, resultDesc: "DS timeout user cannot be reached" }), query: PAID }],
  ["0001", failed({ resultCode: 1, resultDesc: "The balance is insufficient for the transaction" })],
  ["2001", failed({ resultCode: 2001, resultDesc: "The initiator information is invalid." })],
  ["0002", { ...paid, deliveries: 2 }],
  ["0003", { ...paid, shortByShillings: 1 }],
  ["0004", { ...paid, fromAnotherPhone: true }],
]);

const PUSH_PATH = "/mpesa/stkpush/v1/processrequest";
const QUERY_PATH = "/mpesa/stkpushquery/v1/query";
const B2C_PATH = "/mpesa/b2c/v3/paymentrequest";
const STATUS_PATH = "/mpesa/transactionstatus/v1/query";
/** The receiving phone's last four digits for a payout whose result never arrives. */
const RESULT_LOST = "0005";
const NO_SUCH_TRANSACTION: Result = { resultCode: 2032, resultDesc: "No such transaction was found." };
const B2C_FAILURES: ReadonlyMap<string, Result> = new Map([
  ["2001", { resultCode: 2001, resultDesc: "The initiator information is invalid." }],
  ["0001", { resultCode: 1, resultDesc: "The balance is insufficient for the transaction." }],
]);
const KENYAN_MSISDN = /^254[17]\d{8}$/;
const SHORTCODE = /^\d{5,7}$/;

/**
 * `callbackFrom`: the local address callbacks are sent from (e.g. 127.0.0.2),
 * so a test can tell "Safaricom" apart from anyone else on the loopback.
 */
export async function startDarajaStandIn(options: { port?: number; callbackDelayMs?: number; callbackFrom?: string } = {}): Promise<DarajaStandIn> {
  const callbackDelayMs = options.callbackDelayMs ?? 300;
  const tokens = new Set<string>();
  const pushes = new Map<string, Push>();
  const receipts = new Set<string>();
  const payouts = new Map<string, Payout>();
  const statusQueries: Record<string, unknown>[] = [];
  let resultsToDrop = 0;
  let answersToWithhold = 0;
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://stand-in");
    if (req.method === "GET" && pathname === "/oauth/v1/generate") {
      if (searchParams.get("grant_type") !== "client_credentials") return refuse(res, 400, "400.008.02", "Invalid grant type passed");
      if (!hasBasicCredentials(req)) return refuse(res, 400, "400.008.01", "Invalid Authentication passed");
      const token = randomBytes(21).toString("base64url");
      tokens.add(token);
      return answer(res, 200, { access_token: token, expires_in: "3599" });
    }
    if (req.method !== "POST" || ![PUSH_PATH, QUERY_PATH, B2C_PATH, STATUS_PATH].includes(pathname)) return refuse(res, 404, "404.001.01", "Resource not found");
    if (!tokens.has(req.headers.authorization?.replace(/^Bearer /, "") ?? "")) return refuse(res, 401, "404.001.03", "Invalid Access Token");
    const body = await readJson(req);
    if (!body) return refuse(res, 400, "400.002.05", "Invalid Request Payload");
    if (pathname === B2C_PATH) return payout(body, res);
    if (pathname === STATUS_PATH) return transactionStatus(body, res);
    return pathname === PUSH_PATH ? push(body, res) : query(body, res);
  }

  function payout(body: Record<string, unknown>, res: ServerResponse): void {
    const invalid = invalidPayoutField(body);
    if (invalid) return refuse(res, 400, "400.002.02", `Bad Request - Invalid ${invalid}`);
    const originatorConversationId = text(body.OriginatorConversationID);
    if (payouts.has(originatorConversationId)) return refuse(res, 400, "400.002.02", "Bad Request - Duplicate OriginatorConversationID");
    const received: Payout = {
      checkoutRequestId: originatorConversationId,
      body,
      conversationId: conversationIdOf(),
      receipt: unique(receiptNumber, receipts),
      completedAt: nairobiTimestamp(),
      failure: B2C_FAILURES.get(text(body.PartyB).slice(-4)),
    };
    receipts.add(received.receipt);
    payouts.set(originatorConversationId, received);
    const dropped = resultsToDrop > 0 || text(body.PartyB).endsWith(RESULT_LOST);
    if (resultsToDrop > 0) resultsToDrop -= 1;
    if (!dropped) later(() => sendResult(text(body.ResultURL), payoutResult(received), originatorConversationId));
    // Withheld: the socket stays open until the caller gives up (or the stand-in stops).
    if (answersToWithhold > 0) {
      answersToWithhold -= 1;
      return;
    }
    answer(res, 200, {
      ConversationID: received.conversationId,
      OriginatorConversationID: originatorConversationId,
      ResponseCode: "0",
      ResponseDescription: "Accept the service request successfully.",
    });
  }

  function payoutResult({ checkoutRequestId, body, conversationId, receipt, completedAt, failure }: Payout) {
    return {
      Result: {
        ResultType: 0,
        ResultCode: failure?.resultCode ?? 0,
        ResultDesc: failure?.resultDesc ?? "The service request is processed successfully.",
        OriginatorConversationID: checkoutRequestId,
        ConversationID: conversationId,
        TransactionID: receipt,
        ...(!failure && {
          ResultParameters: {
            ResultParameter: [
              { Key: "TransactionAmount", Value: Number(body.Amount) },
              { Key: "TransactionReceipt", Value: receipt },
              { Key: "B2CRecipientIsRegisteredCustomer", Value: "Y" },
              { Key: "ReceiverPartyPublicName", Value: `${text(body.PartyB)} - M-Pesa Customer` },
              { Key: "TransactionCompletedDateTime", Value: `${completedAt.slice(6, 8)}.${completedAt.slice(4, 6)}.${completedAt.slice(0, 4)} ${completedAt.slice(8, 10)}:${completedAt.slice(10, 12)}:${completedAt.slice(12, 14)}` },
            ],
          },
        }),
        ReferenceData: { ReferenceItem: { Key: "QueueTimeoutURL", Value: text(body.QueueTimeOutURL) } },
      },
    };
  }

  /** Accepted like any request; the answer, about a payout this stand-in accepted or about none, follows at the ResultURL. */
  function transactionStatus(body: Record<string, unknown>, res: ServerResponse): void {
    const invalid = invalidStatusField(body);
    if (invalid) return refuse(res, 400, "400.002.02", `Bad Request - Invalid ${invalid}`);
    statusQueries.push(body);
    const asked = text(body.OriginatorConversationID);
    const found = payouts.get(asked) ?? [...payouts.values()].find((p) => p.receipt === text(body.TransactionID));
    const originatorConversationId = `${randomInt(10_000, 100_000)}-${randomInt(1e7, 1e8)}-1`;
    const conversationId = conversationIdOf();
    const outcome = found?.failure ? { ...PAID, status: "Failed" } : found ? { ...PAID, status: "Completed" } : { ...NO_SUCH_TRANSACTION, status: null };
    const Result = {
      ResultType: 0,
      ResultCode: outcome.resultCode,
      ResultDesc: outcome.resultDesc,
      OriginatorConversationID: originatorConversationId,
      ConversationID: conversationId,
      TransactionID: found?.receipt ?? "0000000000",
      ...(found && {
        ResultParameters: {
          ResultParameter: [
            { Key: "DebitPartyName", Value: `${text(found.body.PartyA)} - Stand-in Club` },
            { Key: "CreditPartyName", Value: `${text(found.body.PartyB)} - M-Pesa Customer` },
            { Key: "OriginatorConversationID", Value: found.checkoutRequestId },
            { Key: "InitiatedTime", Value: Number(found.completedAt) },
            { Key: "DebitAccountType", Value: "Utility Account" },
            { Key: "ReasonType", Value: "Business Payment to Customer via API" },
            { Key: "TransactionStatus", Value: outcome.status },
            { Key: "FinalisedTime", Value: Number(found.completedAt) },
            { Key: "Amount", Value: Number(found.body.Amount) },
            { Key: "ConversationID", Value: found.conversationId },
            { Key: "ReceiptNo", Value: found.receipt },
          ],
        },
      }),
      ReferenceData: { ReferenceItem: { Key: "Occasion", Value: text(body.Occasion) } },
    };
    later(() => sendResult(text(body.ResultURL), { Result }, `status of ${asked || text(body.TransactionID)}`));
    answer(res, 200, {
      OriginatorConversationID: originatorConversationId,
      ConversationID: conversationId,
      ResponseCode: "0",
      ResponseDescription: "Accept the service request successfully.",
    });
  }

  /** After the callback delay, unless the stand-in stops first. */
  function later(send: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, callbackDelayMs);
    timers.add(timer);
  }

  /** A result POSTed to a ResultURL; a receiver that is down is reported, not fatal. */
  function sendResult(url: string, result: unknown, about: string): void {
    void postJson(url, result, options.callbackFrom).catch((error: unknown) => {
      console.error(`daraja stand-in: B2C result for ${about} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  function push(body: Record<string, unknown>, res: ServerResponse): void {
    const invalid = invalidPushField(body);
    if (invalid) return refuse(res, 400, "400.002.02", `Bad Request - Invalid ${invalid}`);
    const checkoutRequestId = unique(() => `ws_CO_${nairobiTimestamp()}${randomInt(1e9)}`, pushes);
    const merchantRequestId = `${randomInt(10_000, 100_000)}-${randomInt(1e7, 1e8)}-1`;
    const scenario = SCENARIOS.get(text(body.PhoneNumber).slice(-4)) ?? paid;
    const received: Push = { checkoutRequestId, merchantRequestId, body, scenario, sent: false };
    pushes.set(checkoutRequestId, received);
    const timer = setTimeout(() => {
      timers.delete(timer);
      void sendCallbacks(received);
    }, callbackDelayMs);
    timers.add(timer);
    answer(res, 200, {
      MerchantRequestID: merchantRequestId,
      CheckoutRequestID: checkoutRequestId,
      ResponseCode: "0",
      ResponseDescription: "Success. Request accepted for processing",
      CustomerMessage: "Success. Request accepted for processing",
    });
  }

  function query(body: Record<string, unknown>, res: ServerResponse): void {
    if (!SHORTCODE.test(text(body.BusinessShortCode)) || !passwordMatches(body)) return refuse(res, 400, "400.002.02", "Bad Request - Invalid Password");
    const received = pushes.get(text(body.CheckoutRequestID));
    if (!received) return refuse(res, 400, "400.002.02", "Bad Request - Invalid CheckoutRequestID");
    if (!received.sent) return refuse(res, 500, "500.001.1001", "The transaction is being processed");
    answer(res, 200, {
      ResponseCode: "0",
      ResponseDescription: "The service request has been accepted successsfully",
      MerchantRequestID: received.merchantRequestId,
      CheckoutRequestID: received.checkoutRequestId,
      ResultCode: String(received.scenario.query.resultCode),
      ResultDesc: received.scenario.query.resultDesc,
    });
  }

  /** The callback Daraja would send, as often as the scenario says; a receiver that is down is reported, not fatal. */
  async function sendCallbacks(received: Push): Promise<void> {
    received.sent = true;
    const { callback, deliveries } = received.scenario;
    const stkCallback = {
      MerchantRequestID: received.merchantRequestId,
      CheckoutRequestID: received.checkoutRequestId,
      ResultCode: callback.resultCode,
      ResultDesc: callback.resultDesc,
      ...(callback.resultCode === 0 && { CallbackMetadata: paymentMetadata(received) }),
    };
    for (let delivery = 0; delivery < deliveries; delivery++) {
      await postJson(text(received.body.CallBackURL), { Body: { stkCallback } }, options.callbackFrom).catch((error: unknown) => {
        console.error(`daraja stand-in: callback for ${received.checkoutRequestId} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /** A payment's details as Daraja lists them, Balance without a value included. */
  function paymentMetadata(received: Push) {
    const receipt = unique(receiptNumber, receipts);
    receipts.add(receipt);
    return {
      Item: [
        { Name: "Amount", Value: Number(received.body.Amount) - received.scenario.shortByShillings },
        { Name: "MpesaReceiptNumber", Value: receipt },
        { Name: "Balance" },
        { Name: "TransactionDate", Value: Number(nairobiTimestamp()) },
        { Name: "PhoneNumber", Value: Number(received.body.PhoneNumber) + (received.scenario.fromAnotherPhone ? 1 : 0) },
      ],
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, "500.003.02", "Internal Server Error");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    pushes: () => [...pushes.values()].map(({ checkoutRequestId, body }) => ({ checkoutRequestId, body })),
    payouts: () => [...payouts.values()].map(({ checkoutRequestId, body }) => ({ checkoutRequestId, body })),
    statusQueries: () => [...statusQueries],
    dropB2cResults(count = 1) {
      resultsToDrop += count;
    },
    leaveB2cUnanswered(count = 1) {
      answersToWithhold += count;
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The first field Daraja would reject, by its name; null when the push is well-formed. */
function invalidPushField(body: Record<string, unknown>): string | null {
  const amount = text(body.Amount);
  const checks: [field: string, valid: boolean][] = [
    ["BusinessShortCode", SHORTCODE.test(text(body.BusinessShortCode))],
    ["Timestamp", /^\d{14}$/.test(text(body.Timestamp))],
    ["Password", passwordMatches(body)],
    ["TransactionType", ["CustomerPayBillOnline", "CustomerBuyGoodsOnline"].includes(text(body.TransactionType))],
    ["Amount", /^\d+$/.test(amount) && Number(amount) > 0],
    ["PartyA", KENYAN_MSISDN.test(text(body.PartyA))],
    ["PartyB", SHORTCODE.test(text(body.PartyB))],
    ["PhoneNumber", KENYAN_MSISDN.test(text(body.PhoneNumber))],
    ["CallBackURL", isHttpUrl(text(body.CallBackURL))],
    ["AccountReference", text(body.AccountReference).length >= 1 && text(body.AccountReference).length <= 12],
    ["TransactionDesc", text(body.TransactionDesc).length >= 1 && text(body.TransactionDesc).length <= 13],
  ];
  return checks.find(([, valid]) => !valid)?.[0] ?? null;
}

/** The first field Daraja would reject in a B2C request; null when it is well-formed. */
function invalidPayoutField(body: Record<string, unknown>): string | null {
  const amount = text(body.Amount);
  const remarks = text(body.Remarks);
  const checks: [field: string, valid: boolean][] = [
    ["OriginatorConversationID", text(body.OriginatorConversationID).length >= 1],
    ["InitiatorName", text(body.InitiatorName).length >= 1],
    ["SecurityCredential", /^[A-Za-z0-9+/]+={0,2}$/.test(text(body.SecurityCredential))],
    ["CommandID", ["BusinessPayment", "SalaryPayment", "PromotionPayment"].includes(text(body.CommandID))],
    ["Amount", /^\d+$/.test(amount) && Number(amount) > 0],
    ["PartyA", SHORTCODE.test(text(body.PartyA))],
    ["PartyB", KENYAN_MSISDN.test(text(body.PartyB))],
    ["Remarks", remarks.length >= 2 && remarks.length <= 100],
    ["QueueTimeOutURL", isHttpUrl(text(body.QueueTimeOutURL))],
    ["ResultURL", isHttpUrl(text(body.ResultURL))],
  ];
  return checks.find(([, valid]) => !valid)?.[0] ?? null;
}

/** The first field Daraja would reject in a Transaction Status query; null when it is well-formed. */
function invalidStatusField(body: Record<string, unknown>): string | null {
  const remarks = text(body.Remarks);
  const checks: [field: string, valid: boolean][] = [
    ["Initiator", text(body.Initiator).length >= 1],
    ["SecurityCredential", /^[A-Za-z0-9+/]+={0,2}$/.test(text(body.SecurityCredential))],
    ["CommandID", text(body.CommandID) === "TransactionStatusQuery"],
    ["OriginatorConversationID", text(body.OriginatorConversationID).length >= 1 || text(body.TransactionID).length >= 1],
    ["PartyA", SHORTCODE.test(text(body.PartyA))],
    ["IdentifierType", text(body.IdentifierType) === "4"],
    ["ResultURL", isHttpUrl(text(body.ResultURL))],
    ["QueueTimeOutURL", isHttpUrl(text(body.QueueTimeOutURL))],
    ["Remarks", remarks.length >= 2 && remarks.length <= 100],
    ["Occasion", text(body.Occasion).length <= 100],
  ];
  return checks.find(([, valid]) => !valid)?.[0] ?? null;
}

/** A ConversationID as Daraja writes it: AG_<date>_<hex>. */
const conversationIdOf = () => `AG_${nairobiTimestamp().slice(0, 8)}_${randomBytes(10).toString("hex")}`;

/** Basic auth with a non-empty consumer key and secret: the stand-in takes any. */
function hasBasicCredentials(req: IncomingMessage): boolean {
  const [scheme, encoded] = (req.headers.authorization ?? "").split(" ");
  if (scheme !== "Basic" || !encoded) return false;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon > 0 && colon < decoded.length - 1;
}

/** The stand-in cannot know the passkey, but the password must be base64 of shortcode + passkey + timestamp. */
function passwordMatches(body: Record<string, unknown>): boolean {
  const [password, shortcode, timestamp] = [text(body.Password), text(body.BusinessShortCode), text(body.Timestamp)];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(password) || !shortcode || !timestamp) return false;
  const decoded = Buffer.from(password, "base64").toString("utf8");
  return decoded.length > shortcode.length + timestamp.length && decoded.startsWith(shortcode) && decoded.endsWith(timestamp);
}

const isHttpUrl = (value: string) => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol);

/**
 * POSTs JSON to a callback URL. Node cannot resolve *.localhost, so those
 * (the demo's tenant hosts) are reached on 127.0.0.1 with their Host header kept.
 */
function postJson(target: string, body: unknown, localAddress?: string): Promise<void> {
  const url = new URL(target);
  const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
  const payload = JSON.stringify(body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        hostname: local ? "127.0.0.1" : url.hostname,
        port: url.port || undefined,
        localAddress,
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: { host: url.host, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
    req.on("error", reject);
    req.end(payload);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Every answer closes its connection, so a client never reuses a socket to a stand-in that has since restarted. */
function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", connection: "close" }).end(JSON.stringify(body));
}

/** Daraja's error shape. */
function refuse(res: ServerResponse, status: number, errorCode: string, errorMessage: string): void {
  answer(res, status, { requestId: randomUUID(), errorCode, errorMessage });
}

/** Daraja accepts numbers as JSON numbers or strings; anything else reads as empty. */
const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");

/** An M-Pesa receipt number: 10 uppercase letters and digits, starting with a letter. */
function receiptNumber(): string {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(10), (byte, i) => ALPHABET[byte % (i === 0 ? 26 : ALPHABET.length)]).join("");
}

/** A fresh value `make` has not made before in this stand-in. */
function unique(make: () => string, taken: { has(value: string): boolean }): string {
  let value = make();
  while (taken.has(value)) value = make();
  return value;
}
