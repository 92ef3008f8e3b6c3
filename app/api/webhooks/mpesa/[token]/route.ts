import { settleMpesaCallback } from "@/lib/services/mpesa-payments";
import { darajaWebhook } from "../daraja-webhook";

export const dynamic = "force-dynamic";

/**
 * Daraja's STK callback for one club: POST <club subdomain>/api/webhooks/mpesa/<token>.
 * A payment whose callback could not be recorded stays pending, and the
 * reconciliation job settles it by STK query (docs/MPESA.md).
 */
export const POST = darajaWebhook({
  name: "callback",
  refusal: "Not an STK callback",
  settle: settleMpesaCallback,
  whenNotRecorded: "left pending for the status query",
});
