import type { Unit } from "../authz/scope";
import { withTenant, type TenantTx } from "../db/tenant";

/** What a membership must be read with for `unitOf`. */
export const UNIT_FIELDS = { programId: true, locationId: true } as const;

/**
 * The program or location a membership is assigned to, as `scope()` needs it:
 * a location's program is read only for a membership assigned to a location,
 * so most requests (whole-organisation roles) spend no statement on it.
 */
export async function unitOf(tx: TenantTx, membership: { programId: string | null; locationId: string | null } | null): Promise<Unit | null> {
  if (membership?.locationId) {
    const location = await tx.location.findUnique({ where: { id: membership.locationId }, select: { programId: true } });
    if (location) return { programId: location.programId, locationId: membership.locationId };
  }
  return membership?.programId ? { programId: membership.programId, locationId: null } : null;
}

/** The unit of a person's membership, read on its own (a request reads it with the session: lib/queries/sessions.ts). */
export async function assignedUnit(organizationId: string, userId: string): Promise<Unit | null> {
  return withTenant(organizationId, async (tx) =>
    unitOf(tx, await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: UNIT_FIELDS })),
  );
}
