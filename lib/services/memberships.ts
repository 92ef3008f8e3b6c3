import { mayAssignRole } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import type { TenantTx } from "../db/tenant";
import { invalidError, notFoundError } from "../errors";
import { changeRoleInput, removeMembershipInput } from "../schemas/memberships";
import { defineMutation } from "./mutation";

/**
 * Another person's membership of the actor's organisation, if the actor may
 * manage its current role. An owner's membership is out of an admin's reach
 * and reads as missing, like another organisation's (promise M4.4).
 */
async function manageableMembership(tx: TenantTx, actor: Actor, userId: string) {
  if (userId === actor.userId) throw invalidError("You cannot change your own membership.", { userId: ["Ask another owner or admin"] });
  const membership = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId: actor.organizationId, userId } },
    select: { id: true, role: true, programId: true, locationId: true },
  });
  if (!membership || !mayAssignRole(actor, membership.role)) throw notFoundError();
  return membership;
}

/**
 * Changes a person's role. The unit assignment is cleared, since a unit
 * belongs to the role it was given for; the new role applies on the person's
 * next request (the role is read from the membership every time).
 */
export const changeRole = defineMutation({
  action: "membership.change_role",
  capability: "roles:manage",
  input: changeRoleInput,
  run: async (tx, { userId, role }, actor) => {
    const membership = await manageableMembership(tx, actor, userId);
    if (!mayAssignRole(actor, role)) throw invalidError("You cannot give that role.", { role: ["Only an owner can give this role"] });
    const after = await tx.membership.update({
      where: { id: membership.id },
      data: { role, programId: null, locationId: null },
      select: { role: true, programId: true, locationId: true },
    });
    const before = { role: membership.role, programId: membership.programId, locationId: membership.locationId };
    return {
      result: { membershipId: membership.id, role: after.role },
      audit: { summary: `Role changed from ${membership.role} to ${after.role}`, targetType: "Membership", targetId: membership.id, before: { userId, ...before }, after: { userId, ...after } },
    };
  },
});

/**
 * Removes a person from the organisation and signs them out of it at once:
 * every live session of theirs on this organisation is revoked in the same
 * transaction. Their login stays (it may belong to other organisations).
 */
export const removeMembership = defineMutation({
  action: "membership.remove",
  capability: "roles:manage",
  input: removeMembershipInput,
  run: async (tx, { userId }, actor) => {
    const membership = await manageableMembership(tx, actor, userId);
    await tx.membership.delete({ where: { id: membership.id } });
    const { count } = await tx.session.updateMany({
      where: { userId, organizationId: actor.organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return {
      result: { membershipId: membership.id, sessionsRevoked: count },
      audit: {
        summary: `Removed from the organisation (${count} session${count === 1 ? "" : "s"} revoked)`,
        targetType: "Membership",
        targetId: membership.id,
        before: { userId, role: membership.role },
        after: { sessionsRevoked: count },
      },
    };
  },
});
