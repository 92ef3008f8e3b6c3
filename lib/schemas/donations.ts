import { z } from "zod";
import { normalizePhone } from "../crypto/normalize";
import { parseMoney } from "../dues/money";
import { optionalEmail, optionalText } from "./fields";

/**
 * Donations, donors and receipts, shared by the public page, the treasurer's
 * forms, services, seeds and tests. Amounts are typed in the major unit and
 * stored in minor units, never as floats.
 */

const MAX_DONATION_MINOR = 1_000_000_000;

const currency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "Choose a currency");

/** A phone as people type it ("0712 345 678" is read as Kenyan); empty means none. */
const optionalPhone = z
  .string()
  .trim()
  .max(32)
  .optional()
  .nullable()
  .transform((v, ctx) => {
    if (!v) return null;
    const phone = normalizePhone(v.replace(/^0(?=7|1)/, "+254"));
    if (!phone) {
      ctx.addIssue({ code: "custom", message: "Enter the phone number with its country code, e.g. +254 712 345 678" });
      return z.NEVER;
    }
    return phone;
  });

/** Who gives: the name is required, the rest helps find a returning donor and send the receipt. */
export const donorFields = {
  name: z.string().trim().min(1, "Enter the donor's name").max(200),
  email: optionalEmail(),
  phone: optionalPhone,
  address: optionalText(500),
};

export const fundField = optionalText(80);

/** A typed amount in `currency`'s major unit → minor units, the error beside the amount field. */
function amountIn<T extends { amount: string; currency: string }>(value: T, ctx: z.RefinementCtx) {
  const amountMinor = parseMoney(value.amount, value.currency);
  if (amountMinor === null || amountMinor <= 0 || amountMinor > MAX_DONATION_MINOR) {
    ctx.addIssue({ code: "custom", path: ["amount"], message: `Enter an amount in ${value.currency}, e.g. 5,000` });
    return z.NEVER;
  }
  return { ...(Object.fromEntries(Object.entries(value).filter(([key]) => key !== "amount")) as Omit<T, "amount">), amountMinor };
}

const isPastOrToday = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && v <= new Date().toISOString().slice(0, 10);

/** A gift the treasurer received by hand: cash, a bank transfer, or in kind (valued, with what it was). */
export const recordDonationInput = z
  .object({
    ...donorFields,
    method: z.enum(["CASH", "BANK", "IN_KIND"], "Choose how it was given"),
    currency: currency.default("KES"),
    amount: z.string().trim().max(32),
    fund: fundField,
    reference: optionalText(64),
    description: optionalText(500),
    receivedOn: z.string().trim().refine(isPastOrToday, "Enter the date it was received, YYYY-MM-DD, not in the future"),
  })
  .superRefine((value, ctx) => {
    if (value.method === "IN_KIND" && !value.description) ctx.addIssue({ code: "custom", path: ["description"], message: "Say what was given" });
  })
  .transform(amountIn);

/**
 * The public donation form: the donor, the amount in shillings (M-Pesa takes
 * whole KES), an optional fund, how it is paid (set by the button, never by
 * the form), and the form's one-time key.
 */
export const publicDonationInput = z
  .object({
    ...donorFields,
    method: z.enum(["MPESA", "CARD"]).default("MPESA"),
    currency: z.literal("KES").default("KES"),
    amount: z.string().trim().max(32),
    fund: fundField,
    idempotencyKey: z.uuid("This form has expired; reload the page"),
  })
  .transform(amountIn)
  .refine((v) => v.method !== "MPESA" || v.amountMinor % 100 === 0, { path: ["amount"], message: "M-Pesa takes whole shillings" });

/** What the STK push left pending for a donation. */
export const requestDonationPaymentInput = z.object({
  donationId: z.uuid(),
  checkoutRequestId: z.string().min(1).max(100),
  phone: z.string().regex(/^\+254[17]\d{8}$/),
});

/** A receipt corrected: it is cancelled, the donation takes the corrected amount and fund, and a new receipt is issued. */
export const correctReceiptInput = z
  .object({
    receiptId: z.uuid("Unknown receipt"),
    currency: currency,
    amount: z.string().trim().max(32),
    fund: fundField,
    reason: z.string().trim().min(1, "Say why the receipt is corrected").max(200),
  })
  .transform(amountIn);

export const donationProgressInput = z.object({ payment: z.uuid() });

export type RecordDonationInput = z.infer<typeof recordDonationInput>;

/** Which year's statement: ?year=2026; anything else is this year. */
export const statementQuery = z.object({
  year: z
    .string()
    .regex(/^(19|20)\d{2}$/)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? String(new Date().getUTCFullYear())),
});
