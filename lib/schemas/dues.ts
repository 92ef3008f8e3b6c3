import { z } from "zod";
import { parseMoney } from "../dues/money";
import { parsePeriodKey } from "../dues/periods";
import { normalizePhone } from "../crypto/normalize";
import { optionalText } from "./fields";

/**
 * Dues plans, enrolments, invoices and manual payments, shared by forms,
 * services, jobs, seeds and tests. Amounts are typed in the currency's major
 * unit ("12,000" or "1200.50") and stored in minor units, never as floats.
 */

const currency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "Choose a currency");

const periodKey = z
  .string()
  .trim()
  .refine((v) => parsePeriodKey(v) !== null, "A period such as 2026-27, 2026-27-Q1 or 2026-27-M01");

const dayCount = (max: number) => z.coerce.number("Enter a number of days").int("Whole days").min(0).max(max);

/** A typed amount in `currency`'s major unit → minor units, with the error beside the amount field. */
function amountIn<T extends { amount: string; currency: string }>(value: T, ctx: z.RefinementCtx) {
  const amountMinor = parseMoney(value.amount, value.currency);
  if (amountMinor === null || amountMinor <= 0 || amountMinor > 1_000_000_000) {
    ctx.addIssue({ code: "custom", path: ["amount"], message: `Enter an amount in ${value.currency}, e.g. 12,000` });
    return z.NEVER;
  }
  return { ...Object.fromEntries(Object.entries(value).filter(([key]) => key !== "amount")), amountMinor } as Omit<T, "amount"> & { amountMinor: number };
}

export const createPlanInput = z
  .object({
    name: z.string().trim().min(1, "Name the plan").max(80),
    level: z.enum(["INDIVIDUAL", "FAMILY", "CORPORATE"]).default("INDIVIDUAL"),
    currency,
    amount: z.string().trim().max(32),
    periodKind: z.enum(["ANNUAL", "SEMI_ANNUAL", "QUARTERLY", "MONTHLY"], "Choose how often it is invoiced"),
    dueDays: dayCount(365).default(30),
    graceDays: dayCount(730).default(90),
  })
  .transform(amountIn);

export const setPlanActiveInput = z.object({ planId: z.uuid("Unknown plan"), active: z.stringbool().or(z.boolean()) });

/** A member on a plan; in a family or corporate bundle, `payerId` is the member who pays (empty: themself). */
export const enrolMemberInput = z.object({
  memberId: z.uuid("Choose a member"),
  planId: z.uuid("Choose a plan"),
  payerId: z
    .union([z.uuid("Choose who pays"), z.literal("")])
    .optional()
    .transform((v) => v || undefined),
});

export const unenrolMemberInput = z.object({ memberId: z.uuid("Unknown member") });

/** One payer's invoice on a plan; without a period, the one containing today. */
export const issueInvoiceInput = z.object({
  memberId: z.uuid("Choose a member"),
  planId: z.uuid("Choose a plan"),
  period: periodKey.optional(),
  draft: z.stringbool().or(z.boolean()).default(false),
});

/** Every payer's invoice on a plan for one period (the scheduled run and the treasurer's "issue now"). */
export const issuePeriodInput = z.object({ planId: z.uuid("Choose a plan"), period: periodKey.optional() });

export const openInvoiceInput = z.object({ invoiceId: z.uuid("Unknown invoice") });

export const voidInvoiceInput = z.object({
  invoiceId: z.uuid("Unknown invoice"),
  reason: z.string().trim().min(3, "Say why the invoice is void").max(300),
});

/** A calendar date as typed, YYYY-MM-DD, not in the future: the day money was paid. */
export function isPastOrToday(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "2000-01-01" && date.getTime() <= Date.now();
}

/** An M-Pesa receipt number as a treasurer copies it from a statement. */
export const MPESA_RECEIPT = /^[A-Z0-9]{10}$/i;
export const MPESA_RECEIPT_MESSAGE = "An M-Pesa receipt number has 10 letters and digits";

/**
 * Money a treasurer received outside the providers' webhooks: cash, a bank
 * transfer, or an M-Pesa payment made to the till (its receipt number is the
 * reference, stored encrypted).
 */
export const recordPaymentInput = z
  .object({
    invoiceId: z.uuid("Unknown invoice"),
    method: z.enum(["CASH", "BANK", "MPESA"], "Choose how it was paid"),
    amount: z.string().trim().max(32),
    reference: z.string().trim().min(1, "Enter the receipt or transfer reference").max(64),
    paidOn: z.string().trim().refine(isPastOrToday, "Enter the date it was paid, YYYY-MM-DD, not in the future"),
    phone: optionalText(32),
  })
  .superRefine((value, ctx) => {
    if (value.method === "MPESA" && !MPESA_RECEIPT.test(value.reference)) {
      ctx.addIssue({ code: "custom", path: ["reference"], message: MPESA_RECEIPT_MESSAGE });
    }
  });

export type CreatePlanInput = z.infer<typeof createPlanInput>;

/** The phone an STK push goes to: a Kenyan mobile number, as people type it. */
export const mpesaPhoneInput = z.object({
  phone: z
    .string()
    .trim()
    .max(32)
    .transform((v) => normalizePhone(v.replace(/^0(?=7|1)/, "+254")))
    .refine((v): v is string => v !== null && /^\+254[17]\d{8}$/.test(v), "Enter a Safaricom number, e.g. 0712 345 678"),
});

/** What the STK push left pending: recorded by the payer, settled later by the callback or the status query. */
export const requestMpesaPaymentInput = z.object({
  invoiceId: z.uuid(),
  checkoutRequestId: z.string().min(1).max(100),
  amountMinor: z.number().int().positive(),
  phone: z.string().regex(/^\+254[17]\d{8}$/),
});

/** A reminder about one invoice; its stage (due soon or overdue) follows from the invoice's due date. */
export const remindInvoiceInput = z.object({ invoiceId: z.uuid("Unknown invoice") });
