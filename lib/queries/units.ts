import type { Unit } from "../authz/scope";
import { withTenant } from "../db/tenant";

/** What a membership must be read with for `unitOf`. */
export const UNIT_FIELDS = { programId: true, locationId: true, location: { select: { programId: true } } } as const;

type UnitFields = { programId: string | null; locationId: string | null; location: { programId: string } | null };

/** The program or location a membership is assigned to, as `scope()` needs it. */
export function unitOf(membership: UnitFields | null): Unit | null {
  if (membership?.location && membership.locationId) {
    return { programId: membership.location.programId, locationId: membership.locationId };
  }
  return membership?.programId ? { programId: membership.programId, locationId: null } : null;
}

/** The unit of a person's membership, read on its own (a request reads it with the session: lib/queries/sessions.ts). */
export async function assignedUnit(organizationId: string, userId: string): Promise<Unit | null> {
  const membership = await withTenant(organizationId, (tx) =>
    tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } }, select: UNIT_FIELDS }),
  );
  return unitOf(membership);
}
