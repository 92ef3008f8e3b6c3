import { z } from "zod";
import { nairobiTimestamp } from "./daraja-time";

/**
 * The M-Pesa Express (STK push) client for Safaricom's Daraja API, built from
 * one organisation's credentials. It asks the payer's phone for their PIN
 * (stkPush) and asks Daraja how that request ended (stkQuery); the money's
 * outcome arrives separately, as a callback (lib/schemas/mpesa-callbacks.ts).
 * It also pays out to a phone (b2cPayment) and asks how a payout ended
 * (transactionStatus); both answer later at a ResultURL (lib/schemas/b2c-results.ts).
 */
export type DarajaCredentials = {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
};

export type StkPushRequest = {
  amountMinor: number;
  /** E.164, a Kenyan mobile number: +2547XXXXXXXX or +2541XXXXXXXX. */
  phone: string;
  /** At most 12 characters; the payer sees it as the account number. */
  accountReference: string;
  /** At most 13 characters. */
  description: string;
  callbackUrl: string;
};

export type StkPushAccepted = { merchantRequestId: string; checkoutRequestId: string; customerMessage: string };

export type StkQueryResult = { state: "pending" } | { state: "final"; resultCode: number; resultDesc: string };

/** A payout to a customer's phone (B2C, "BusinessPayment"); the result arrives later at `resultUrl`. */
export type B2cRequest = {
  /** Ours, unique per payout: the result callback names it, so it finds the payout even before Daraja answers. */
  originatorConversationId: string;
  initiatorName: string;
  securityCredential: string;
  amountMinor: number;
  /** E.164, a Kenyan mobile number. */
  phone: string;
  /** 2 to 100 characters. */
  remarks: string;
  resultUrl: string;
  queueTimeoutUrl: string;
};

export type B2cAccepted = { conversationId: string; originatorConversationId: string };

/**
 * Asking M-Pesa how a payout ended (Transaction Status, by our
 * OriginatorConversationID): Daraja only acknowledges; the answer arrives
 * later at `resultUrl`, like a B2C result.
 */
export type TransactionStatusRequest = {
  originatorConversationId: string;
  initiatorName: string;
  securityCredential: string;
  resultUrl: string;
  queueTimeoutUrl: string;
  /** 2 to 100 characters. */
  remarks: string;
  /** Up to 100 characters; Daraja echoes it in the result's ReferenceData. */
  occasion: string;
};

export type DarajaOperation = "oauth" | "stk-push" | "stk-query" | "b2c" | "transaction-status";

/**
 * Daraja refused, did not answer, or we refused to send. The message is safe
 * to log: it never carries a phone number or a credential.
 */
export class DarajaError extends Error {
  constructor(
    readonly operation: DarajaOperation,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    options?: ErrorOptions,
  ) {
    super(`Daraja ${operation}: ${message}`, options);
    this.name = "DarajaError";
  }

  /** The request went out and no answer came back in time: Daraja may have acted on it. */
  get unanswered(): boolean {
    return this.cause instanceof Error && this.cause.name === "TimeoutError";
  }
}

const REQUEST_TIMEOUT_MS = 10_000;
/** A token is renewed this long before Daraja says it expires, so no request carries a dying one. */
const TOKEN_EARLY_RENEWAL_SECONDS = 60;
/** Daraja's answer to a query about a request the payer has not finished with yet. */
const STILL_PROCESSING = "500.001.1001";

/** The STK password: base64 of shortcode, passkey and timestamp, concatenated. */
export const stkPassword = (shortcode: string, passkey: string, timestamp: string) =>
  Buffer.from(`${shortcode}${passkey}${timestamp}`).toString("base64");

export type DarajaClient = ReturnType<typeof darajaClient>;

export function darajaClient(credentials: DarajaCredentials) {
  /** An authorised POST; the token is dropped on 401 so the next call asks for a fresh one. */
  async function post(operation: DarajaOperation, path: string, body: Record<string, unknown>) {
    const token = await accessToken(credentials);
    const answer = await call(operation, endpoint(credentials, path), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (answer.status === 401) forgetToken(credentials);
    return answer;
  }

  function signed() {
    const timestamp = nairobiTimestamp();
    return { BusinessShortCode: credentials.shortcode, Password: stkPassword(credentials.shortcode, credentials.passkey, timestamp), Timestamp: timestamp };
  }

  return {
    /** Asks the payer's phone to approve the payment; resolves once Daraja accepted the request, not when it is paid. */
    async stkPush(request: StkPushRequest): Promise<StkPushAccepted> {
      const { shillings, msisdn } = checkPush(request);
      const answer = await post("stk-push", "/mpesa/stkpush/v1/processrequest", {
        ...signed(),
        TransactionType: "CustomerPayBillOnline",
        Amount: shillings,
        PartyA: msisdn,
        PartyB: credentials.shortcode,
        PhoneNumber: msisdn,
        CallBackURL: request.callbackUrl,
        AccountReference: request.accountReference,
        TransactionDesc: request.description,
      });
      const accepted = pushAccepted.safeParse(answer.body);
      if (answer.status !== 200 || !accepted.success || accepted.data.ResponseCode !== "0") throw refusal("stk-push", answer);
      return {
        merchantRequestId: accepted.data.MerchantRequestID,
        checkoutRequestId: accepted.data.CheckoutRequestID,
        customerMessage: accepted.data.CustomerMessage,
      };
    },

    /** Sends money from the club's shortcode to a phone; resolves once Daraja accepted the request, not when it is paid. */
    async b2cPayment(request: B2cRequest): Promise<B2cAccepted> {
      const { shillings, msisdn } = checkPayout(request);
      const answer = await post("b2c", "/mpesa/b2c/v3/paymentrequest", {
        OriginatorConversationID: request.originatorConversationId,
        InitiatorName: request.initiatorName,
        SecurityCredential: request.securityCredential,
        CommandID: "BusinessPayment",
        Amount: shillings,
        PartyA: credentials.shortcode,
        PartyB: msisdn,
        Remarks: request.remarks,
        QueueTimeOutURL: request.queueTimeoutUrl,
        ResultURL: request.resultUrl,
        Occasion: "Welfare",
      });
      const accepted = b2cAccepted.safeParse(answer.body);
      if (answer.status !== 200 || !accepted.success || accepted.data.ResponseCode !== "0") throw refusal("b2c", answer);
      return { conversationId: accepted.data.ConversationID, originatorConversationId: accepted.data.OriginatorConversationID };
    },

    /** Asks how a payout ended; resolves once Daraja accepted the question, the answer comes to `resultUrl`. */
    async transactionStatus(request: TransactionStatusRequest): Promise<B2cAccepted> {
      if (request.remarks.length < 2 || request.remarks.length > 100 || request.occasion.length > 100) {
        throw new DarajaError("transaction-status", "the remarks must have 2 to 100 characters and the occasion at most 100");
      }
      const answer = await post("transaction-status", "/mpesa/transactionstatus/v1/query", {
        Initiator: request.initiatorName,
        SecurityCredential: request.securityCredential,
        CommandID: "TransactionStatusQuery",
        OriginatorConversationID: request.originatorConversationId,
        PartyA: credentials.shortcode,
        IdentifierType: "4",
        ResultURL: request.resultUrl,
        QueueTimeOutURL: request.queueTimeoutUrl,
        Remarks: request.remarks,
        Occasion: request.occasion,
      });
      const accepted = b2cAccepted.safeParse(answer.body);
      if (answer.status !== 200 || !accepted.success || accepted.data.ResponseCode !== "0") throw refusal("transaction-status", answer);
      return { conversationId: accepted.data.ConversationID, originatorConversationId: accepted.data.OriginatorConversationID };
    },

    /** How a push ended, or that the payer has not answered yet. */
    async stkQuery(checkoutRequestId: string): Promise<StkQueryResult> {
      const answer = await post("stk-query", "/mpesa/stkpushquery/v1/query", { ...signed(), CheckoutRequestID: checkoutRequestId });
      if (answer.status === 500 && darajaRefusal.safeParse(answer.body).data?.code === STILL_PROCESSING) return { state: "pending" };
      const result = queryAnswer.safeParse(answer.body);
      if (answer.status !== 200 || !result.success) throw refusal("stk-query", answer);
      return { state: "final", resultCode: result.data.ResultCode, resultDesc: result.data.ResultDesc };
    },
  };
}

/** What Daraja is sent for a push: whole shillings and the phone as 2547XXXXXXXX; refused here rather than by Daraja. */
function checkPush(request: StkPushRequest): { shillings: number; msisdn: string } {
  const refuse = (why: string) => new DarajaError("stk-push", why);
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0 || request.amountMinor % 100 !== 0) {
    throw refuse("M-Pesa takes whole shillings only: the amount must be a positive multiple of 100 minor units");
  }
  if (!/^\+254[17]\d{8}$/.test(request.phone)) throw refuse("the phone is not a Kenyan mobile number in E.164 form");
  if (request.accountReference.length < 1 || request.accountReference.length > 12) throw refuse("the account reference must have 1 to 12 characters");
  if (request.description.length < 1 || request.description.length > 13) throw refuse("the description must have 1 to 13 characters");
  return { shillings: request.amountMinor / 100, msisdn: request.phone.slice(1) };
}

/** What Daraja is sent for a payout, checked the same way as a push. */
function checkPayout(request: B2cRequest): { shillings: number; msisdn: string } {
  const refuse = (why: string) => new DarajaError("b2c", why);
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0 || request.amountMinor % 100 !== 0) {
    throw refuse("M-Pesa pays whole shillings only: the amount must be a positive multiple of 100 minor units");
  }
  if (!/^\+254[17]\d{8}$/.test(request.phone)) throw refuse("the phone is not a Kenyan mobile number in E.164 form");
  if (request.remarks.length < 2 || request.remarks.length > 100) throw refuse("the remarks must have 2 to 100 characters");
  return { shillings: request.amountMinor / 100, msisdn: request.phone.slice(1) };
}

type AccessToken = { value: Promise<string>; expiresAt: number };
/** Tokens by Daraja and consumer key, shared by every client made from the same credentials (and by concurrent first calls). */
const tokens = new Map<string, AccessToken>();
const tokenKey = (credentials: DarajaCredentials) => `${endpoint(credentials, "")}\n${credentials.consumerKey}`;
const forgetToken = (credentials: DarajaCredentials) => tokens.delete(tokenKey(credentials));

function accessToken(credentials: DarajaCredentials): Promise<string> {
  const key = tokenKey(credentials);
  const cached = tokens.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.value;
  // Until Daraja answers, the entry never expires, so concurrent first calls share one request.
  const entry: AccessToken = { value: requestToken(credentials).then(renewBefore), expiresAt: Infinity };
  function renewBefore({ token, expiresInSeconds }: { token: string; expiresInSeconds: number }) {
    entry.expiresAt = Date.now() + Math.max(0, expiresInSeconds - TOKEN_EARLY_RENEWAL_SECONDS) * 1000;
    return token;
  }
  entry.value.catch(() => {
    if (tokens.get(key) === entry) tokens.delete(key);
  });
  tokens.set(key, entry);
  return entry.value;
}

async function requestToken(credentials: DarajaCredentials): Promise<{ token: string; expiresInSeconds: number }> {
  const basic = Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString("base64");
  const answer = await call("oauth", endpoint(credentials, "/oauth/v1/generate?grant_type=client_credentials"), {
    headers: { authorization: `Basic ${basic}` },
  });
  const token = tokenAnswer.safeParse(answer.body);
  if (answer.status !== 200 || !token.success) throw refusal("oauth", answer);
  return { token: token.data.access_token, expiresInSeconds: token.data.expires_in };
}

/** A Daraja URL; the base URL may end in a slash or not. */
const endpoint = (credentials: DarajaCredentials, path: string) => `${credentials.baseUrl.replace(/\/+$/, "")}${path}`;

type Answer = { status: number; body: unknown };

async function call(operation: DarajaOperation, url: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    return { status: response.status, body: parseJson(text) };
  } catch (error) {
    const why = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : "could not reach Daraja";
    throw new DarajaError(operation, why, null, null, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** An error from an answer we cannot use, with Daraja's own code and words when it gave them. */
function refusal(operation: DarajaOperation, answer: Answer): DarajaError {
  const refused = darajaRefusal.safeParse(answer.body);
  if (!refused.success) return new DarajaError(operation, `unexpected answer (HTTP ${answer.status})`, answer.status);
  return new DarajaError(operation, `HTTP ${answer.status} ${refused.data.code}: ${safeText(refused.data.message)}`, answer.status, refused.data.code);
}

/** Daraja's own words, with anything as long as a phone number masked, kept short. */
const safeText = (text: string) => text.replace(/\d{9,}/g, "…").slice(0, 200);

/** Daraja writes codes as strings in some answers and numbers in others. */
const numeric = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: numeric });
const pushAccepted = z.object({
  MerchantRequestID: z.string(),
  CheckoutRequestID: z.string(),
  ResponseCode: numeric.transform(String),
  CustomerMessage: z.string(),
});
const b2cAccepted = z.object({
  ConversationID: z.string().min(1),
  OriginatorConversationID: z.string().min(1),
  ResponseCode: numeric.transform(String),
});
const queryAnswer = z.object({ ResultCode: numeric, ResultDesc: z.string() });
/** Daraja refuses as { errorCode, errorMessage } (HTTP errors) or as a non-zero ResponseCode (HTTP 200). */
const darajaRefusal = z.union([
  z.object({ errorCode: z.string(), errorMessage: z.string() }).transform((e) => ({ code: e.errorCode, message: e.errorMessage })),
  z.object({ ResponseCode: numeric.transform(String), ResponseDescription: z.string() }).transform((e) => ({ code: e.ResponseCode, message: e.ResponseDescription })),
]);
