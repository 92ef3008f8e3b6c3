import { env } from "@/lib/env";
import { isAppError, notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { logError, logEvent } from "@/lib/log";
import { CLIENT_IP_HEADER } from "@/lib/security/client-ip";
import { webhookSourceAllowed } from "@/lib/security/webhook-source";
import { mpesaCallbackOrganization } from "@/lib/services/mpesa-payments";
import { settleB2cResult } from "@/lib/services/welfare-disbursements";

export const dynamic = "force-dynamic";

/** A result is a few kilobytes; anything this large is not one. */
const MAX_BODY_BYTES = 64 * 1024;

const ACCEPTED = { ResultCode: 0, ResultDesc: "Accepted" };

/**
 * Daraja's B2C result (ResultURL and QueueTimeOutURL) for one club's welfare
 * payouts: POST <club subdomain>/api/webhooks/mpesa/<token>/b2c. Verified
 * exactly as the STK callback beside it: the club's own token (constant
 * time), then MPESA_CALLBACK_IPS; every failure the same 404. A body that is
 * not a B2C result gets 400; every valid one 200; a failure on our side 202
 * (the payout stays PAYING, docs/MPESA.md).
 */
export const POST = routeHandler(async (request: Request, { params }: { params: Promise<{ token: string }> }) => {
  const { token } = await params;
  try {
    const organizationId = await mpesaCallbackOrganization(request.headers.get("host"), token);
    if (!organizationId) throw notFoundError();
    const ip = request.headers.get(CLIENT_IP_HEADER);
    if (!webhookSourceAllowed(ip, env().MPESA_CALLBACK_IPS)) {
      logEvent("warn", "mpesa b2c result from an address off MPESA_CALLBACK_IPS: refused", { organizationId, ip });
      throw notFoundError();
    }
    const outcome = await settleB2cResult(organizationId, await jsonBody(request), { ip });
    if (outcome === "malformed") return Response.json({ ResultCode: 1, ResultDesc: "Not a B2C result" }, { status: 400 });
    return Response.json(ACCEPTED);
  } catch (error) {
    if (isAppError(error, "NOT_FOUND")) throw error;
    const id = logError("mpesa b2c result not recorded: the payout stays pending", error);
    return Response.json({ ...ACCEPTED, id }, { status: 202 });
  }
});

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
