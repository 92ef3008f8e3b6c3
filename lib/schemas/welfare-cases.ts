import { z } from "zod";
import { CURRENCIES } from "../dues/money";
import { isPastOrToday, MPESA_RECEIPT, MPESA_RECEIPT_MESSAGE, mpesaPhoneInput } from "./dues";
import { queryText } from "./text";

export const WELFARE_CATEGORIES = ["BEREAVEMENT", "MEDICAL", "EDUCATION", "HARDSHIP", "OTHER"] as const;
export const WELFARE_STATUSES = ["OPEN", "APPROVED", "CLOSED"] as const;

const caseId = z.uuid("Unknown case");
const disbursementId = z.uuid("Unknown disbursement");
const notes = z.string().trim().min(1, "Notes are required").max(10_000);

/** Opening a welfare case for a member; the notes are confidential (encrypted at rest, never audited). */
export const openWelfareCaseInput = z.object({
  memberId: z.uuid("Choose the member the case is for"),
  category: z.enum(WELFARE_CATEGORIES, "Choose a category").default("OTHER"),
  title: z.string().trim().min(1, "A title is required").max(120),
  notes,
});

export const updateWelfareNotesInput = z.object({ caseId, notes });
export const closeWelfareCaseInput = z.object({ caseId });

/** One person asks for money out of a case; someone else approves it. */
export const requestDisbursementInput = z
  .object({
    caseId,
    amount: z.string().trim().min(1, "Enter an amount").max(32),
    currency: z.enum(CURRENCIES, "Choose a currency").default("KES"),
    method: z.enum(["MPESA", "CASH", "BANK"], "Choose how it will be paid"),
    phone: z.string().trim().max(32).optional(),
    reason: z.string().trim().min(1, "Say what the money is for").max(300),
  })
  .transform((value, ctx) => {
    if (value.method !== "MPESA") return { ...value, phone: null };
    const phone = mpesaPhoneInput.safeParse({ phone: value.phone ?? "" });
    if (!phone.success) {
      ctx.addIssue({ code: "custom", path: ["phone"], message: phone.error.issues[0]!.message });
      return z.NEVER;
    }
    return { ...value, phone: phone.data.phone };
  });

export const decideDisbursementInput = z.object({ disbursementId });

/** A disbursement handed over in cash or by bank transfer, with the receipt or transfer reference. */
export const recordDisbursementPaidInput = z.object({
  disbursementId,
  method: z.enum(["CASH", "BANK"], "Choose how it was paid"),
  reference: z.string().trim().min(1, "Enter the receipt or transfer reference").max(64),
});

export const payDisbursementByMpesaInput = z.object({ disbursementId });

/** The B2C request recorded before Daraja is called: its OriginatorConversationID is ours, so the result always finds it. */
export const startB2cPayoutInput = z.object({ disbursementId, originatorConversationId: z.uuid() });

/** What Daraja said about a B2C payout (its result callback, or its refusal of the request). */
/** Where M-Pesa said it: the payout's own result, the answer to our Transaction Status query, or its refusal of the request. */
const b2cSource = z.enum(["result", "status query", "request"]).default("result");
export const settleB2cPaidInput = z.object({
  source: b2cSource,
  originatorConversationId: z.uuid(),
  transactionReceipt: z.string().regex(/^[A-Z0-9]{10}$/),
  amountMinor: z.number().int().positive(),
  paidAt: z.date(),
  rawPayload: z.string().max(65_536),
});
export const settleB2cFailedInput = z.object({
  source: b2cSource,
  originatorConversationId: z.uuid(),
  reason: z.string().min(1).max(300),
  rawPayload: z.string().max(65_536).nullable(),
});

/** A treasurer closing a payout M-Pesa never confirmed, after checking the statement. */
export const markB2cPayoutFailedInput = z.object({ disbursementId });

/** A treasurer recording a payout M-Pesa never confirmed as paid: the receipt and date from the club's M-Pesa statement. */
export const recordB2cPayoutPaidInput = z.object({
  disbursementId,
  receipt: z.string().trim().regex(MPESA_RECEIPT, MPESA_RECEIPT_MESSAGE).toUpperCase(),
  paidOn: z.string().trim().refine(isPastOrToday, "Enter the date it was paid, YYYY-MM-DD, not in the future"),
});

/** The case list's query string: a status to filter by. */
export const welfareCaseListQuery = z.object({
  status: z.enum(WELFARE_STATUSES).optional().catch(undefined),
  q: queryText(200),
});
