import { z } from "zod";

/** An organisation's secret for one payment provider (replaces the previous one). */
export const setPaymentCredentialInput = z.object({
  provider: z.enum(["STRIPE", "MPESA_DARAJA"]),
  secret: z.string().trim().min(8, "That does not look like a provider secret").max(4096),
});
