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
