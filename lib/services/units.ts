import { unitKindOf } from "../authz/capabilities";
import { scope } from "../authz/scope";
import { invalidError, notFoundError } from "../errors";
import { assignUnitInput } from "../schemas/programs";
import { defineMutation } from "./mutation";

/**
 * Assigns a membership to the unit its role works in: a program manager to a
 * program, a location admin or field manager to a location. Roles that reach
 * the whole organisation have no unit. Takes effect on the person's next request.
 */
export const assignUnit = defineMutation({
  action: "membership.assign_unit",
  capability: "roles:manage",
  input: assignUnitInput,
  run: async (tx, { userId, unitId }, actor) => {
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: actor.organizationId, userId } },
      select: { id: true, role: true, programId: true, locationId: true },
    });
    if (!membership) throw notFoundError();
    const kind = unitKindOf(membership.role);
    if (unitId && !kind) throw invalidError("This role works across the whole organisation.", { unitId: ["This role has no unit"] });
    let unit: { id: string } | null = null;
    if (unitId && kind === "program") {
      unit = await tx.program.findFirst({ where: { id: unitId, ...scope(actor, "program") }, select: { id: true } });
    } else if (unitId && kind === "location") {
      unit = await tx.location.findFirst({ where: { id: unitId, ...scope(actor, "location") }, select: { id: true } });
    }
    if (unitId && !unit) throw notFoundError();
    const data = { programId: kind === "program" ? (unit?.id ?? null) : null, locationId: kind === "location" ? (unit?.id ?? null) : null };
    const after = await tx.membership.update({ where: { id: membership.id }, data, select: { programId: true, locationId: true } });
    const before = { programId: membership.programId, locationId: membership.locationId };
    return {
      result: { membershipId: membership.id, ...after },
      audit: { summary: "Unit assignment changed", targetType: "Membership", targetId: membership.id, before, after },
    };
  },
});
