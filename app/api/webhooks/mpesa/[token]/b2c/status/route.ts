import { settleB2cStatusResult } from "@/lib/services/welfare-disbursements";
import { darajaWebhook } from "../../../daraja-webhook";

export const dynamic = "force-dynamic";

/**
 * Daraja's answer to a Transaction Status query about one of the club's
 * welfare payouts (lib/jobs/b2c-reconcile.ts): POST <club subdomain>/api/
 * webhooks/mpesa/<token>/b2c/status, verified exactly as the payout's result.
 */
export const POST = darajaWebhook({
  name: "b2c status result",
  refusal: "Not a transaction status result",
  settle: settleB2cStatusResult,
  whenNotRecorded: "the payout stays pending",
});
