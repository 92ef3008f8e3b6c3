import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** A grant is live from its creation until it expires or is revoked, whichever comes first. */
export const liveGrant = (organizationId: string, now: Date) => ({ organizationId, revokedAt: null, expiresAt: { gt: now } });

/** The organisation's live support window, if any, for its owner's page (read as the app role, under RLS). */
export async function currentSupportGrant(actor: Actor, now = new Date()) {
  if (!can(actor, "support:grant")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.supportGrant.findFirst({ where: liveGrant(actor.organizationId, now), orderBy: { expiresAt: "desc" }, select: { id: true, expiresAt: true } }),
  );
}
