import { z } from "zod";

/** Dues invoices and payments, shared by services, seeds and tests. Amounts are in minor units (cents). */
const amountMinor = z.coerce.number().int("Whole cents only").positive("Enter an amount").max(100_000_000);

export const issueDuesInput = z.object({
  memberId: z.uuid("Unknown member"),
  period: z
    .string()
    .trim()
    .regex(/^\d{4}(?:-Q[1-4])?$/, "A year (2026) or a quarter (2026-Q1)"),
  amountMinor,
});

export const recordDuesPaymentInput = z.object({
  invoiceId: z.uuid("Unknown invoice"),
  amountMinor,
});
