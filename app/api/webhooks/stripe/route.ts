import { env } from "@/lib/env";
import { notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { logEvent } from "@/lib/log";
import { StripeSignatureError, verifyStripeEvent } from "@/lib/payments/stripe";
import { receiveStripeEvent, stripeEndpoint } from "@/lib/services/card-settlements";
import { parseHost } from "@/lib/tenancy/host";

export const dynamic = "force-dynamic";

/**
 * Stripe's webhook for one club, on the club's own subdomain: the Host names
 * the organisation, whose signing secret must have signed the raw body in the
 * last five minutes. A refusal is 400 and writes nothing; an event applied,
 * repeated or of no concern to us is 200 (lib/services/card-settlements.ts).
 * Exempt from the same-origin check (lib/security/origin.ts): servers send it.
 */
export const POST = routeHandler(async (request) => {
  const site = parseHost(request.headers.get("host"), env().APP_ROOT_DOMAIN);
  const endpoint = site.kind === "tenant" ? await stripeEndpoint(site.slug) : null;
  if (site.kind !== "tenant" || !endpoint) throw notFoundError();
  const body = Buffer.from(await request.arrayBuffer());
  const signature = request.headers.get("stripe-signature");
  let event;
  try {
    event = verifyStripeEvent(body, signature, endpoint.webhookSecret);
  } catch (error) {
    if (!(error instanceof StripeSignatureError)) throw error;
    // The secret kept for a minute may just have been replaced: check once more against the stored one.
    const fresh = await stripeEndpoint(site.slug, { fresh: true });
    try {
      if (!fresh || fresh.webhookSecret === endpoint.webhookSecret) throw error;
      event = verifyStripeEvent(body, signature, fresh.webhookSecret);
    } catch (refusal) {
      if (refusal instanceof StripeSignatureError) logEvent("warn", "stripe webhook refused", { organizationId: endpoint.organizationId, reason: refusalReason(refusal.detail) });
      throw refusal;
    }
  }
  const outcome = await receiveStripeEvent(endpoint.organizationId, event);
  logEvent("info", "stripe webhook received", { organizationId: endpoint.organizationId, eventId: event.id, type: event.type, outcome });
  return Response.json({ received: true, outcome });
});

/** Stripe's message, reduced to a code for the log line. */
function refusalReason(detail: string): "no-signature" | "stale" | "mismatch" {
  if (/no stripe-signature|unable to extract|no signatures found with expected scheme/i.test(detail)) return "no-signature";
  if (/tolerance/i.test(detail)) return "stale";
  return "mismatch";
}
