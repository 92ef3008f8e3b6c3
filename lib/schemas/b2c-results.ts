import { z } from "zod";
import { fromNairobiTimestamp } from "../payments/daraja-time";
import { holdable } from "./text";

/**
 * What Daraja POSTs to a B2C payout's ResultURL (and QueueTimeOutURL): one
 * `Result` naming our OriginatorConversationID. ResultCode 0 is a payout and
 * lists its details in ResultParameters (TransactionAmount, TransactionReceipt,
 * TransactionCompletedDateTime "DD.MM.YYYY HH:mm:ss", Nairobi time); any other
 * code is a failure and lists none.
 */
export type B2cPayout = { amountMinor: number; receipt: string; completedAt: Date | null };

export type B2cResult = {
  originatorConversationId: string;
  conversationId: string;
  resultCode: number;
  resultDesc: string;
  payout: B2cPayout | null;
};

const parameter = z.object({ Key: z.string(), Value: z.union([z.string(), z.number()]).optional() });

// Through the text rule, like the STK callback: text the database cannot hold makes the body malformed (400).
export const b2cResultBody = holdable(
  z
    .object({
      Result: z.object({
        ResultType: z.number().int().optional(),
        ResultCode: z.number().int(),
        ResultDesc: z.string(),
        OriginatorConversationID: z.string().min(1).max(100),
        ConversationID: z.string().max(100).default(""),
        TransactionID: z.string().max(100).optional(),
        ResultParameters: z.object({ ResultParameter: z.union([z.array(parameter), parameter]) }).optional(),
      }),
    })
    .transform(({ Result: result }, ctx): B2cResult => {
      const raw = result.ResultParameters?.ResultParameter;
      const payout = result.ResultCode === 0 ? b2cPayoutOf(raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) : null;
      if (result.ResultCode === 0 && !payout) {
        ctx.issues.push({ code: "custom", message: "A successful result must carry TransactionAmount and TransactionReceipt", path: ["Result", "ResultParameters"], input: result });
        return z.NEVER;
      }
      return {
        originatorConversationId: result.OriginatorConversationID,
        conversationId: result.ConversationID,
        resultCode: result.ResultCode,
        resultDesc: result.ResultDesc,
        payout,
      };
    }),
);

/** The payout in a result's parameters, read by key (Safaricom does not promise their order). */
function b2cPayoutOf(items: readonly z.infer<typeof parameter>[]): B2cPayout | null {
  const value = (key: string) => items.find((item) => item.Key === key)?.Value;
  const amount = Number(value("TransactionAmount"));
  const receipt = String(value("TransactionReceipt") ?? "").trim().toUpperCase();
  if (!(amount > 0) || !/^[A-Z0-9]{10}$/.test(receipt)) return null;
  return { amountMinor: Math.round(amount * 100), receipt, completedAt: completedAtOf(String(value("TransactionCompletedDateTime") ?? "")) };
}

/** "19.12.2019 11:45:50" (Nairobi) → the moment; null when malformed. */
function completedAtOf(text: string): Date | null {
  const parts = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return parts ? fromNairobiTimestamp(`${parts[3]}${parts[2]}${parts[1]}${parts[4]}${parts[5]}${parts[6]}`) : null;
}

/**
 * What Daraja POSTs to a Transaction Status query's ResultURL. Its own
 * OriginatorConversationID is the query's; the payout it is about is named in
 * ResultParameters (OriginatorConversationID), and the Occasion we sent (the
 * payout's id) comes back in ReferenceData, so even a result with no
 * parameters names its payout. ResultCode 0 answers the question: the
 * transaction's TransactionStatus is "Completed" (with ReceiptNo, Amount and
 * FinalisedTime YYYYMMDDHHmmss, Nairobi), a failure, or something else
 * (still in flight). Any other ResultCode means M-Pesa could not say, e.g.
 * it holds no such transaction: not an answer about the money.
 */
export type B2cStatusOutcome = { state: "paid"; payout: B2cPayout } | { state: "failed"; transactionStatus: string } | { state: "unanswered" };

export type B2cStatusResult = { payoutId: string | null; resultCode: number; resultDesc: string; outcome: B2cStatusOutcome };

/** The statuses that say the money did not leave. "Reversed" is not one: a reversal is for a person to look at. */
const FAILED_STATUSES: ReadonlySet<string> = new Set(["failed", "declined", "cancelled", "expired"]);

const items = <T>(raw: T | T[] | undefined): T[] => (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);

export const b2cStatusResultBody = holdable(
  z
    .object({
      Result: z.object({
        ResultType: z.number().int().optional(),
        ResultCode: z.number().int(),
        ResultDesc: z.string(),
        OriginatorConversationID: z.string().max(100).optional(),
        ConversationID: z.string().max(100).optional(),
        TransactionID: z.string().max(100).optional(),
        ResultParameters: z.object({ ResultParameter: z.union([z.array(parameter), parameter]) }).optional(),
        ReferenceData: z.object({ ReferenceItem: z.union([z.array(parameter), parameter]) }).optional(),
      }),
    })
    .transform(({ Result: result }, ctx): B2cStatusResult => {
      const parameters = items(result.ResultParameters?.ResultParameter);
      const value = (key: string) => parameters.find((item) => item.Key === key)?.Value;
      const occasion = items(result.ReferenceData?.ReferenceItem).find((item) => item.Key === "Occasion")?.Value;
      const named = value("OriginatorConversationID") ?? occasion;
      const payoutId = named === undefined || String(named).trim() === "" ? null : String(named).trim();
      const base = { payoutId, resultCode: result.ResultCode, resultDesc: result.ResultDesc };
      if (result.ResultCode !== 0) return { ...base, outcome: { state: "unanswered" } };
      const transactionStatus = String(value("TransactionStatus") ?? "").trim();
      if (FAILED_STATUSES.has(transactionStatus.toLowerCase())) return { ...base, outcome: { state: "failed", transactionStatus } };
      if (transactionStatus.toLowerCase() !== "completed") return { ...base, outcome: { state: "unanswered" } };
      const amount = Number(value("Amount"));
      const receipt = String(value("ReceiptNo") ?? "").trim().toUpperCase();
      if (!(amount > 0) || !/^[A-Z0-9]{10}$/.test(receipt)) {
        ctx.issues.push({ code: "custom", message: "A completed transaction must carry Amount and ReceiptNo", path: ["Result", "ResultParameters"], input: result });
        return z.NEVER;
      }
      const finalised = fromNairobiTimestamp(String(value("FinalisedTime") ?? ""));
      return { ...base, outcome: { state: "paid", payout: { amountMinor: Math.round(amount * 100), receipt, completedAt: finalised } } };
    }),
);
