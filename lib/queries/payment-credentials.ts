import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** The organisation's decrypted secret for a provider, for the code that calls that provider; null when unset. */
export async function paymentCredentialSecret(actor: Actor, provider: "STRIPE" | "MPESA_DARAJA"): Promise<string | null> {
  if (!can(actor, "billing:manage")) throw notFoundError();
  const credential = await withTenant(actor.organizationId, (tx) =>
    tx.paymentCredential.findUnique({
      where: { organizationId_provider: { organizationId: actor.organizationId, provider } },
      select: { secret: true },
    }),
  );
  return credential?.secret ?? null;
}
