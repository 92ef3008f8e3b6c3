import { env } from "@/lib/env";
import { isAppError, notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { logError, logEvent } from "@/lib/log";
import { CLIENT_IP_HEADER } from "@/lib/security/client-ip";
import { webhookSourceAllowed } from "@/lib/security/webhook-source";
import { mpesaCallbackOrganization, settleMpesaCallback } from "@/lib/services/mpesa-payments";

export const dynamic = "force-dynamic";

/** A callback is a few hundred bytes; anything this large is not one. */
const MAX_BODY_BYTES = 64 * 1024;

const ACCEPTED = { ResultCode: 0, ResultDesc: "Accepted" };

/**
 * Daraja's STK callback for one club: POST <club subdomain>/api/webhooks/mpesa/<token>.
 * - A wrong token (or club, or a sender off MPESA_CALLBACK_IPS) gets the one
 *   route-handler 404, the same for each.
 * - A body that is not an STK callback gets 400: nothing was accepted, and
 *   Daraja does not resend a callback, so a 200 would only hide the fault.
 * - Every valid callback gets 200, whether it settled, was a replay or named
 *   an unknown checkout (each leaves a log line). Should recording fail on our
 *   side (the database down), it gets 202 rather than a 5xx: Daraja may drop a
 *   callback answered 5xx and does not reliably retry, so the payment stays
 *   pending and the reconciliation job settles it by STK query (docs/MPESA.md).
 */
export const POST = routeHandler(async (request: Request, { params }: { params: Promise<{ token: string }> }) => {
  const { token } = await params;
  try {
    const organizationId = await mpesaCallbackOrganization(request.headers.get("host"), token);
    if (!organizationId) throw notFoundError();
    const ip = request.headers.get(CLIENT_IP_HEADER);
    if (!webhookSourceAllowed(ip, env().MPESA_CALLBACK_IPS)) {
      logEvent("warn", "mpesa callback from an address off MPESA_CALLBACK_IPS: refused", { organizationId, ip });
      throw notFoundError();
    }
    const outcome = await settleMpesaCallback(organizationId, await jsonBody(request), { ip });
    if (outcome === "malformed") return Response.json({ ResultCode: 1, ResultDesc: "Not an STK callback" }, { status: 400 });
    return Response.json(ACCEPTED);
  } catch (error) {
    if (isAppError(error, "NOT_FOUND")) throw error;
    const id = logError("mpesa callback not recorded: left pending for the status query", error);
    return Response.json({ ...ACCEPTED, id }, { status: 202 });
  }
});

/** The parsed JSON body; undefined when it is not JSON or too large (the callback schema then refuses it). */
async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
