import { z } from "zod";
import { normalizePhone } from "../crypto/normalize";

/** A confirmed M-Pesa payment as the callback (or a treasurer) reports it. */
export const recordMpesaPaymentInput = z.object({
  receiptNumber: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{10}$/, "An M-Pesa receipt number has 10 letters and digits"),
  phone: z
    .string()
    .trim()
    .refine((v) => normalizePhone(v) !== null, "Enter the phone number with its country code")
    .transform((v) => normalizePhone(v)!)
    .nullable()
    .optional(),
  amountMinor: z.number().int().positive().max(1_000_000_000),
  paidAt: z.coerce.date(),
});
