import { env } from "@/lib/env";
import { isAppError, notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { logError, logEvent } from "@/lib/log";
import { CLIENT_IP_HEADER } from "@/lib/security/client-ip";
import { webhookSourceAllowed } from "@/lib/security/webhook-source";
import { mpesaCallbackOrganization } from "@/lib/services/mpesa-payments";

/** A callback or result is a few kilobytes; anything this large is not one. */
const MAX_BODY_BYTES = 64 * 1024;

const ACCEPTED = { ResultCode: 0, ResultDesc: "Accepted" };

type DarajaWebhook = {
  /** What Daraja sends here, for log lines: "callback" (STK), "b2c result". */
  name: string;
  /** The 400's description of a body that is not one: "Not an STK callback". */
  refusal: string;
  settle: (organizationId: string, body: unknown, context: { ip: string | null }) => Promise<string>;
  /** What stays true when recording fails on our side, for the log line. */
  whenNotRecorded: string;
};

/**
 * One club's Daraja webhook: POST <club subdomain>/api/webhooks/mpesa/<token>[/…].
 * - A wrong token (or club, or a sender off MPESA_CALLBACK_IPS) gets the one
 *   route-handler 404, the same for each.
 * - A body `settle` calls "malformed" gets 400: nothing was accepted, and
 *   Daraja does not resend, so a 200 would only hide the fault.
 * - Every valid body gets 200, whether it settled, was a replay or named
 *   something unknown (each leaves a log line). Should recording fail on our
 *   side (the database down), it gets 202 rather than a 5xx: Daraja may drop a
 *   call answered 5xx and does not reliably retry (docs/MPESA.md).
 */
export function darajaWebhook({ name, refusal, settle, whenNotRecorded }: DarajaWebhook) {
  return routeHandler(async (request: Request, { params }: { params: Promise<{ token: string }> }) => {
    const { token } = await params;
    try {
      const organizationId = await mpesaCallbackOrganization(request.headers.get("host"), token);
      if (!organizationId) throw notFoundError();
      const ip = request.headers.get(CLIENT_IP_HEADER);
      if (!webhookSourceAllowed(ip, env().MPESA_CALLBACK_IPS)) {
        logEvent("warn", `mpesa ${name} from an address off MPESA_CALLBACK_IPS: refused`, { organizationId, ip });
        throw notFoundError();
      }
      const outcome = await settle(organizationId, await jsonBody(request), { ip });
      if (outcome === "malformed") return Response.json({ ResultCode: 1, ResultDesc: refusal }, { status: 400 });
      return Response.json(ACCEPTED);
    } catch (error) {
      if (isAppError(error, "NOT_FOUND")) throw error;
      const id = logError(`mpesa ${name} not recorded: ${whenNotRecorded}`, error);
      return Response.json({ ...ACCEPTED, id }, { status: 202 });
    }
  });
}

/** The parsed JSON body; undefined when it is not JSON or too large (the settling schema then refuses it). */
async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
