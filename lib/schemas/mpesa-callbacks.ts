import { z } from "zod";
import { normalizePhone } from "../crypto/normalize";
import { fromNairobiTimestamp } from "../payments/daraja-time";
import { holdable } from "./text";

/**
 * What Daraja POSTs to an STK push's CallBackURL once the payer has answered
 * (or not). ResultCode 0 is a payment and carries its details in
 * CallbackMetadata; any other code is a failure and carries none.
 */

/** What a successful callback says was paid. */
export type StkPayment = {
  amountMinor: number;
  receiptNumber: string;
  /** When M-Pesa completed it (TransactionDate, Nairobi time); null when left out or malformed. */
  transactionDate: Date | null;
  /** E.164; null when left out or masked (Safaricom masks it for some shortcodes). */
  phone: string | null;
};

/** One callback, read: `payment` is set exactly when ResultCode is 0. */
export type StkCallback = {
  merchantRequestId: string;
  checkoutRequestId: string;
  resultCode: number;
  resultDesc: string;
  payment: StkPayment | null;
};

const metadataItem = z.object({ Name: z.string(), Value: z.union([z.string(), z.number()]).optional() });
export type StkMetadataItem = z.infer<typeof metadataItem>;

// Through the text rule: a callback carrying text the database cannot hold is malformed (400), never a failed write.
export const stkCallbackBody = holdable(
  z
    .object({
      Body: z.object({
        stkCallback: z.object({
          MerchantRequestID: z.string().min(1),
          CheckoutRequestID: z.string().min(1),
          ResultCode: z.number().int(),
          ResultDesc: z.string(),
          CallbackMetadata: z.object({ Item: z.array(metadataItem) }).optional(),
        }),
      }),
    })
    .transform(({ Body: { stkCallback: callback } }, ctx): StkCallback => {
      const payment = callback.ResultCode === 0 ? stkPaymentFromMetadata(callback.CallbackMetadata?.Item ?? []) : null;
      if (callback.ResultCode === 0 && !payment) {
        ctx.issues.push({ code: "custom", message: "A successful callback must carry Amount and MpesaReceiptNumber", path: ["Body", "stkCallback", "CallbackMetadata"], input: callback });
        return z.NEVER;
      }
      return {
        merchantRequestId: callback.MerchantRequestID,
        checkoutRequestId: callback.CheckoutRequestID,
        resultCode: callback.ResultCode,
        resultDesc: callback.ResultDesc,
        payment,
      };
    }),
);

/**
 * The payment in a callback's metadata, read by item name: Safaricom does not
 * promise the order, and adds or drops items (Balance) between versions.
 * Null without a positive Amount or a well-formed MpesaReceiptNumber.
 */
export function stkPaymentFromMetadata(items: readonly StkMetadataItem[]): StkPayment | null {
  const value = (name: string) => items.find((item) => item.Name === name)?.Value;
  const amount = Number(value("Amount"));
  const receiptNumber = String(value("MpesaReceiptNumber") ?? "").trim().toUpperCase();
  if (!(amount > 0) || !/^[A-Z0-9]{10}$/.test(receiptNumber)) return null;
  const phone = value("PhoneNumber");
  return {
    amountMinor: Math.round(amount * 100),
    receiptNumber,
    transactionDate: fromNairobiTimestamp(String(value("TransactionDate") ?? "")),
    phone: phone === undefined ? null : normalizePhone(`+${phone}`),
  };
}

/** What to tell the payer for a result code (callback or STK query). */
export const MPESA_RESULT: ReadonlyMap<number, string> = new Map([
  [0, "Payment received. Thank you."],
  [1, "Your M-Pesa balance was not enough for this payment."],
  [1032, "You cancelled the request on your phone."],
  [1037, "We could not reach your phone in time. If you did enter your PIN, the payment may still go through, so check your M-Pesa messages before trying again."],
  [2001, "The M-Pesa PIN was wrong. Please try again."],
]);

export const mpesaResultMessage = (resultCode: number) => MPESA_RESULT.get(resultCode) ?? "M-Pesa could not complete the payment. Please try again.";

/**
 * What settles a pending STK payment, from a callback or from the status
 * query: `receiptNumber` is null when only the query confirmed it (the query
 * tells the outcome, never the receipt). `rawPayload` is what M-Pesa sent, kept encrypted.
 */
export const settleMpesaPaidInput = z.object({
  checkoutRequestId: z.string().min(1),
  receiptNumber: z.string().regex(/^[A-Z0-9]{10}$/).nullable(),
  amountMinor: z.number().int().positive(),
  paidAt: z.coerce.date(),
  rawPayload: z.string().min(2),
});

/** A final failure (ResultCode 1, 1032, 2001…, or no answer before the payment expired): `reason` is what the payer is told. */
export const settleMpesaFailedInput = z.object({
  checkoutRequestId: z.string().min(1),
  resultCode: z.number().int().nullable(),
  reason: z.string().min(1).max(500),
  rawPayload: z.string().min(2),
});

/**
 * A callback that says "paid" but not for what was asked (another amount,
 * another phone): no money is credited, the receipt and the raw callback are
 * kept for the treasurer to settle by hand.
 */
export const rejectMpesaCallbackInput = z.object({
  checkoutRequestId: z.string().min(1),
  receiptNumber: z.string().regex(/^[A-Z0-9]{10}$/),
  reason: z.string().min(1).max(500),
  rawPayload: z.string().min(2),
});
