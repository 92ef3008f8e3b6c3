import { createElement } from "react";
import { rolesWith } from "../authz/capabilities";
import type { PlatformTx } from "../db/platform";
import { sendEmail } from "../email/send";
import { PlatformNoticeEmail, platformNoticeText } from "../email/templates/platform-notice";
import { notFoundError } from "../errors";
import { incidentNoticeInput, SUBPROCESSOR_NOTICE_DAYS, subprocessorNoticeInput } from "../schemas/notices";
import { afterCommit } from "./mutation";
import { definePlatformMutation } from "./platform-mutation";

/**
 * Notices from the platform to organisation owners — whoever holds
 * `notices:receive` (lib/authz decides who that is): an incident notice to the
 * chosen organisations (promise M10.2), and a sub-processor change notice to
 * every active one, effective no sooner than 30 days on (B4.2). The notice is
 * audited on the platform chain and each organisation's in one transaction;
 * the emails leave only once that has committed, so none goes out unrecorded.
 */
type Recipient = { email: string; organizationName: string };
type Notice = { subject: string; body: string; effectiveFrom: Date | null; recipients: Recipient[] };

async function ownersOf(tx: PlatformTx, organizationIds: string[]): Promise<Recipient[]> {
  const memberships = await tx.membership.findMany({
    where: { organizationId: { in: organizationIds }, role: { in: rolesWith("notices:receive") } },
    select: { user: { select: { email: true } }, organization: { select: { name: true } } },
    orderBy: [{ organizationId: "asc" }, { createdAt: "asc" }],
  });
  return memberships.map((m) => ({ email: m.user.email, organizationName: m.organization.name }));
}

const recordIncidentNotice = definePlatformMutation({
  action: "notice.incident",
  capability: "platform:notices",
  input: incidentNoticeInput,
  run: async (tx, { organizationIds, subject, body }) => {
    const orgs = await tx.organization.findMany({ where: { id: { in: organizationIds } }, select: { id: true } });
    if (orgs.length !== new Set(organizationIds).size) throw notFoundError();
    const recipients = await ownersOf(tx, organizationIds);
    return {
      result: { subject, body, effectiveFrom: null, recipients } satisfies Notice,
      organizationIds,
      audit: {
        summary: `Incident notice "${subject}" sent to ${recipients.length} owner(s) of ${orgs.length} organisation(s)`,
        targetType: "Notice",
        targetId: null,
        after: { subject, organizations: orgs.length, recipients: recipients.length },
      },
    };
  },
});

const recordSubprocessorNotice = definePlatformMutation({
  action: "notice.subprocessor",
  capability: "platform:notices",
  input: subprocessorNoticeInput,
  run: async (tx, { subject, body }) => {
    const orgs = await tx.organization.findMany({ where: { status: "ACTIVE" }, select: { id: true } });
    const organizationIds = orgs.map((o) => o.id);
    const effectiveFrom = new Date(Date.now() + SUBPROCESSOR_NOTICE_DAYS * 86_400_000);
    const recipients = await ownersOf(tx, organizationIds);
    return {
      result: { subject, body, effectiveFrom, recipients } satisfies Notice,
      organizationIds,
      audit: {
        summary: `Sub-processor change notice "${subject}" sent to ${recipients.length} owner(s) of ${orgs.length} organisation(s)`,
        targetType: "Notice",
        targetId: null,
        after: { subject, effectiveFrom: effectiveFrom.toISOString(), organizations: orgs.length, recipients: recipients.length },
      },
    };
  },
});

async function deliver({ subject, body, effectiveFrom, recipients }: Notice): Promise<number> {
  for (const { email, organizationName } of recipients) {
    const props = { organizationName, subject, body, effectiveFrom };
    await sendEmail({ to: email, subject: `[Harambee] ${subject}`, react: createElement(PlatformNoticeEmail, props), text: platformNoticeText(props) });
  }
  return recipients.length;
}

/** Records the notice on every chain, then emails it; returns how many owners it went to. */
export const sendIncidentNotice = afterCommit(recordIncidentNotice, deliver);
export const sendSubprocessorNotice = afterCommit(recordSubprocessorNotice, deliver);
