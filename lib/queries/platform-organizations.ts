import { can } from "../authz/capabilities";
import type { PlatformActor } from "../authz/actor";
import { withPlatform } from "../db/platform";
import { notFoundError } from "../errors";

/**
 * Organisations as the platform sees them: status and usage counts, and
 * whether support may look in right now — no tenant row, only counts.
 */
export async function listOrganizations(admin: PlatformActor, now = new Date()) {
  if (!can(admin, "platform:organizations")) throw notFoundError();
  return withPlatform((tx) =>
    tx.organization.findMany({
      orderBy: { slug: "asc" },
      select: {
        id: true,
        slug: true,
        name: true,
        kind: true,
        status: true,
        createdAt: true,
        district: { select: { code: true } },
        _count: { select: { members: true, memberships: true, beneficiaries: true } },
        supportGrants: { where: { revokedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: "desc" }, take: 1, select: { expiresAt: true } },
      },
    }),
  );
}
