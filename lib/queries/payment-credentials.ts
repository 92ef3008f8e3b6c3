import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** Which providers the organisation has connected, and when: never the secrets themselves. */
export async function connectedProviders(actor: Actor) {
  if (!can(actor, "billing:manage")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.paymentCredential.findMany({ select: { provider: true, updatedAt: true }, orderBy: { provider: "asc" } }),
  );
}

/**
 * The path token of the organisation's M-Pesa callback URL, for the settings
 * page to show (the URL is pasted into Daraja); null until M-Pesa is connected.
 * The rest of the stored credential never leaves the data layer.
 */
export async function mpesaCallbackToken(actor: Actor): Promise<string | null> {
  if (!can(actor, "billing:manage")) throw notFoundError();
  const row = await withTenant(actor.organizationId, (tx) =>
    tx.paymentCredential.findUnique({ where: { organizationId_provider: { organizationId: actor.organizationId, provider: "MPESA_DARAJA" } }, select: { secret: true } }),
  );
  return row ? ((JSON.parse(row.secret) as { callbackToken?: string }).callbackToken ?? null) : null;
}
