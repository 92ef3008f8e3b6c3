import type { Unit } from "../authz/scope";
import { withTenant } from "../db/tenant";

/** The program or location a person's membership is assigned to, as `scope()` needs it. */
export async function assignedUnit(organizationId: string, userId: string): Promise<Unit | null> {
  const membership = await withTenant(organizationId, (tx) =>
    tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId } },
      select: { programId: true, locationId: true, location: { select: { programId: true } } },
    }),
  );
  if (membership?.location && membership.locationId) {
    return { programId: membership.location.programId, locationId: membership.locationId };
  }
  return membership?.programId ? { programId: membership.programId, locationId: null } : null;
}
