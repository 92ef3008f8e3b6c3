import { settleB2cResult } from "@/lib/services/welfare-disbursements";
import { darajaWebhook } from "../../daraja-webhook";

export const dynamic = "force-dynamic";

/**
 * Daraja's B2C result (ResultURL and QueueTimeOutURL) for one club's welfare
 * payouts: POST <club subdomain>/api/webhooks/mpesa/<token>/b2c, verified
 * exactly as the STK callback. A payout whose result could not be recorded
 * stays PAYING (docs/MPESA.md).
 */
export const POST = darajaWebhook({
  name: "b2c result",
  refusal: "Not a B2C result",
  settle: settleB2cResult,
  whenNotRecorded: "the payout stays pending",
});
