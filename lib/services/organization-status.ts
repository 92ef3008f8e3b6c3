import type { PlatformTx } from "../db/platform";
import { conflictError, notFoundError } from "../errors";
import { organizationTargetInput } from "../schemas/support-grants";
import { definePlatformMutation } from "./platform-mutation";

/**
 * Suspending an organisation takes its people out of the app (lib/context
 * sends them to the suspended page); nothing is deleted, and payment webhooks
 * keep recording into it so no money goes missing while it is suspended.
 */
async function setStatus(tx: PlatformTx, organizationId: string, status: "ACTIVE" | "SUSPENDED") {
  const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true, status: true } });
  if (!org) throw notFoundError();
  if (org.status === status) throw conflictError(`${org.name} is already ${status.toLowerCase()}.`);
  await tx.organization.update({ where: { id: org.id }, data: { status } });
  return {
    result: { id: org.id, status },
    organizationIds: [org.id],
    audit: {
      summary: `${org.name} ${status === "SUSPENDED" ? "suspended" : "restored"} by the platform`,
      targetType: "Organization",
      targetId: org.id,
      before: { status: org.status },
      after: { status },
    },
  };
}

export const suspendOrganization = definePlatformMutation({
  action: "organization.suspend",
  capability: "platform:suspend",
  input: organizationTargetInput,
  run: (tx, { organizationId }) => setStatus(tx, organizationId, "SUSPENDED"),
});

export const restoreOrganization = definePlatformMutation({
  action: "organization.restore",
  capability: "platform:suspend",
  input: organizationTargetInput,
  run: (tx, { organizationId }) => setStatus(tx, organizationId, "ACTIVE"),
});
