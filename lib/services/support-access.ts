import { z } from "zod";
import { can } from "../authz/capabilities";
import { supportActor, type Actor, type PlatformActor } from "../authz/actor";
import { isAppError, notFoundError } from "../errors";
import { liveGrant } from "../queries/support-grants";
import { grantSupportAccessInput } from "../schemas/support-grants";
import { definePlatformMutation } from "./platform-mutation";

/**
 * Support access (promise P9): platform admins see no tenant data unless the
 * organisation's owner has let support in, for at most 72 hours and until
 * revoked. Granting, revoking, every opening and every refusal are audited on
 * the platform chain and on the organisation's own chain.
 */
const HOUR_MS = 3_600_000;

export const grantSupportAccess = definePlatformMutation({
  action: "support.grant",
  capability: "support:grant",
  input: grantSupportAccessInput,
  run: async (tx, { hours }, actor: Actor) => {
    const now = new Date();
    // One window at a time: a new grant replaces the live one rather than stacking beside it.
    await tx.supportGrant.updateMany({ where: liveGrant(actor.organizationId, now), data: { revokedAt: now, revokedById: actor.userId } });
    const grant = await tx.supportGrant.create({
      data: { organizationId: actor.organizationId, grantedById: actor.userId!, createdAt: now, expiresAt: new Date(now.getTime() + hours * HOUR_MS) },
      select: { id: true, expiresAt: true },
    });
    return {
      result: grant,
      organizationIds: [actor.organizationId],
      audit: {
        summary: `Platform support let in for ${hours} h`,
        targetType: "SupportGrant",
        targetId: grant.id,
        after: { hours, expiresAt: grant.expiresAt.toISOString() },
      },
    };
  },
});

export const revokeSupportAccess = definePlatformMutation({
  action: "support.revoke",
  capability: "support:grant",
  input: z.object({}),
  run: async (tx, _input, actor: Actor) => {
    const now = new Date();
    const grant = await tx.supportGrant.findFirst({ where: liveGrant(actor.organizationId, now), select: { id: true, expiresAt: true } });
    if (!grant) throw notFoundError();
    await tx.supportGrant.update({ where: { id: grant.id }, data: { revokedAt: now, revokedById: actor.userId } });
    return {
      result: { id: grant.id },
      organizationIds: [actor.organizationId],
      audit: { summary: "Platform support access revoked", targetType: "SupportGrant", targetId: grant.id, before: { expiresAt: grant.expiresAt.toISOString() } },
    };
  },
});

const accessInput = z.object({ organizationId: z.uuid(), now: z.date() });

/** Support opens the organisation under a live grant; without one, not-found (rolled back, then recorded as refused). */
const recordSupportAccess = definePlatformMutation({
  action: "support.access",
  capability: "platform:organizations",
  input: accessInput,
  run: async (tx, { organizationId, now }) => {
    const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true, slug: true } });
    const grant = org && (await tx.supportGrant.findFirst({ where: liveGrant(org.id, now), orderBy: { expiresAt: "desc" }, select: { id: true, expiresAt: true } }));
    if (!org || !grant) throw notFoundError();
    return {
      result: { org: { name: org.name, slug: org.slug }, expiresAt: grant.expiresAt },
      organizationIds: [org.id],
      audit: { summary: "Platform support opened the organisation's data under the owner's grant", targetType: "SupportGrant", targetId: grant.id },
    };
  },
});

const recordSupportRefusal = definePlatformMutation({
  action: "support.access_denied",
  capability: "platform:organizations",
  input: accessInput,
  run: async (tx, { organizationId }) => {
    const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
    if (!org) throw notFoundError();
    return {
      result: null,
      organizationIds: [org.id],
      audit: { summary: "Platform support was refused: no live grant from the owner", targetType: "Organization", targetId: org.id },
    };
  },
});

/**
 * A platform admin asks to open an organisation's data. With a live grant the
 * answer is an actor holding exactly the support slice; without one, not-found.
 * Either way the attempt is recorded on both chains (the refusal committed
 * before it is answered); an organisation that does not exist records nothing.
 */
export async function openSupportAccess(admin: PlatformActor, organizationId: string, now = new Date()): Promise<{ actor: Actor; org: { name: string; slug: string }; expiresAt: Date }> {
  if (!can(admin, "platform:organizations") || !z.uuid().safeParse(organizationId).success) throw notFoundError();
  try {
    const opened = await recordSupportAccess(admin, { organizationId, now });
    return { actor: supportActor(admin, organizationId), ...opened };
  } catch (error) {
    if (!isAppError(error, "NOT_FOUND")) throw error;
  }
  await recordSupportRefusal(admin, { organizationId, now });
  throw notFoundError();
}
