import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { indexMatch } from "../db/search-index";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** Donors with this email (any case), found through the blind index: de-duplication before adding one. */
export async function findDonorsByEmail(actor: Actor, email: string) {
  if (!can(actor, "donations:read")) throw notFoundError();
  const emailIndex = indexMatch(actor.organizationId, "email", email);
  if (!emailIndex) return [];
  return withTenant(actor.organizationId, (tx) =>
    tx.donor.findMany({ where: { emailIndex }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, email: true } }),
  );
}
