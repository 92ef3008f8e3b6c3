import { z } from "zod";

/**
 * "Pay this invoice" from either door: a signed-in member names the invoice,
 * a pay-link holder brings the link's token. The phone for an STK push is
 * checked by lib/schemas/dues.ts `mpesaPhoneInput` inside the M-Pesa service.
 */
export const payInvoiceInput = z.object({ invoiceId: z.uuid("Unknown invoice") });

export const payLinkInput = z.object({ token: z.string().min(1, "This pay link is not valid.").max(2048, "This pay link is not valid.") });

/** Which payment's progress to read: the one the page started (empty: the invoice's latest M-Pesa attempt). */
export const paymentProgressInput = z.object({
  payment: z
    .union([z.uuid(), z.literal("")])
    .nullish()
    .transform((v) => v || null),
});
