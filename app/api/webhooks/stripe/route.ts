import { env } from "@/lib/env";
import { notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";
import { logEvent } from "@/lib/log";
import { stripeCredential } from "@/lib/payments/credentials";
import { StripeSignatureError, verifyStripeEvent } from "@/lib/payments/stripe";
import { findOrganizationBySlug } from "@/lib/queries/organizations";
import { receiveStripeEvent } from "@/lib/services/card-settlements";
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
  const org = site.kind === "tenant" ? await findOrganizationBySlug(site.slug) : null;
  const credential = org ? await stripeCredential(org.id) : null;
  if (!org || !credential) throw notFoundError();
  const body = Buffer.from(await request.arrayBuffer());
  let event;
  try {
    event = verifyStripeEvent(body, request.headers.get("stripe-signature"), credential.webhookSecret);
  } catch (error) {
    if (error instanceof StripeSignatureError) logEvent("warn", "stripe webhook refused", { organizationId: org.id, reason: refusalReason(error.detail) });
    throw error;
  }
  const outcome = await receiveStripeEvent(org.id, event);
  logEvent("info", "stripe webhook received", { organizationId: org.id, eventId: event.id, type: event.type, outcome });
  return Response.json({ received: true, outcome });
});

/** Stripe's message, reduced to a code for the log line. */
function refusalReason(detail: string): "no-signature" | "stale" | "mismatch" {
  if (/no stripe-signature|unable to extract|no signatures found with expected scheme/i.test(detail)) return "no-signature";
  if (/tolerance/i.test(detail)) return "stale";
  return "mismatch";
}
