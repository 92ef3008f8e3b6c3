import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { platformActor, type PlatformActor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { sendIncidentNotice, sendSubprocessorNotice } from "@/lib/services/notices";
import { suspendOrganization } from "@/lib/services/organization-status";
import { createPlatformAdmin } from "@/lib/services/organizations";
import { signInToPlatform } from "@/lib/services/platform-sessions";
import { connectAs } from "./support/database";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization, TEST_ACTOR } from "./support/organizations";

/**
 * Notices from the platform reach each chosen organisation's owners — and
 * only them — through the email outbox, and are recorded on the platform
 * chain and on each organisation's chain (promises M10.2, B4.2).
 */
let chosen: TestOrganization;
let alsoChosen: TestOrganization;
let other: TestOrganization;
let admin: PlatformActor;
let owner: pg.Client;

beforeAll(async () => {
  [chosen, alsoChosen, other] = [await createTestOrganization("notice"), await createTestOrganization("notice"), await createTestOrganization("notice")];
  const email = `platform-${randomBytes(4).toString("hex")}@harambee.test`;
  await createPlatformAdmin(TEST_ACTOR, { email, name: "PA", password: TEST_PASSWORD });
  admin = platformActor((await signInToPlatform({ ip: "198.51.100.7", userAgent: null }, { email, password: TEST_PASSWORD })).user, "198.51.100.7");
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const everyone = (...orgs: TestOrganization[]) => orgs.flatMap((o) => Object.values(o.emails));

async function outbox(subject: string) {
  return (
    await owner.query<{ to: string; html: string; text: string }>(`SELECT "to", html, text FROM email_outbox WHERE subject = $1 ORDER BY "to"`, [`[Harambee] ${subject}`])
  ).rows;
}

async function chainActions(organizationId: string | null, action: string) {
  const where = organizationId ? "organization_id = $2" : "organization_id IS NULL";
  const params = organizationId ? [action, organizationId] : [action];
  return (await owner.query<{ summary: string; actor_id: string }>(`SELECT summary, actor_id FROM audit_entry WHERE action = $1 AND ${where}`, params)).rows;
}

describe("[M10.2] [B4.2] notices reach the owners' outbox", () => {
  test("[M10.2] an incident notice goes to the owners of the chosen organisations only, on every chain it touches", async () => {
    const subject = `Incident ${randomBytes(3).toString("hex")}`;
    const body = "We found unauthorised access to a database backup on 28 November.\n\nRotate <script>alert(1)</script> your API keys.";
    expect(await sendIncidentNotice(admin, { organizationIds: [chosen.id, alsoChosen.id], subject, body })).toBe(2);

    const sent = await outbox(subject);
    expect(sent.map((m) => m.to)).toEqual([chosen.emails.OWNER, alsoChosen.emails.OWNER].sort());
    for (const message of sent) {
      expect(message.text).toContain("We found unauthorised access to a database backup on 28 November.");
      expect(message.html).toContain(subject);
      // The admin's text is shown as text, never as markup.
      expect(message.html).toContain("&lt;script&gt;");
      expect(message.html).not.toContain("<script>");
    }
    const recipients = sent.map((m) => m.to);
    expect(everyone(chosen, alsoChosen, other).filter((e) => recipients.includes(e))).toEqual([chosen.emails.OWNER, alsoChosen.emails.OWNER]);

    for (const org of [chosen, alsoChosen]) expect(await chainActions(org.id, "notice.incident")).toEqual([expect.objectContaining({ actor_id: admin.userId })]);
    expect(await chainActions(other.id, "notice.incident")).toEqual([]);
    expect((await chainActions(null, "notice.incident")).filter((e) => e.summary.includes(subject))).toHaveLength(1);
  });

  test("[M10.2] only a platform admin may send one; nothing is sent for a refused or unknown target", async () => {
    const subject = `Refused ${randomBytes(3).toString("hex")}`;
    const input = { organizationIds: [chosen.id], subject, body: "This notice must never be sent." };
    await expect(sendIncidentNotice(chosen.actors.OWNER as unknown as PlatformActor, input)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(sendIncidentNotice(admin, { ...input, organizationIds: [] })).rejects.toMatchObject({ code: "INVALID" });
    await expect(sendIncidentNotice(admin, { ...input, organizationIds: [chosen.id, "00000000-0000-4000-8000-000000000000"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await outbox(subject)).toEqual([]);
  });

  test("[B4.2] a sub-processor change notice goes to the owners of every active organisation and states the 30-day notice", async () => {
    await suspendOrganization(admin, { organizationId: other.id });
    const subject = `Sub-processor change ${randomBytes(3).toString("hex")}`;
    const before = Date.now();
    await sendSubprocessorNotice(admin, { subject, body: "We are adding Backblaze B2 (EU) for encrypted off-site backups." });

    const sent = await outbox(subject);
    const recipients = sent.map((m) => m.to);
    expect(everyone(chosen, alsoChosen, other).filter((e) => recipients.includes(e)).sort()).toEqual([chosen.emails.OWNER, alsoChosen.emails.OWNER].sort());
    const earliest = new Date(before + 30 * 86_400_000).toISOString().slice(0, 10);
    for (const message of sent.filter((m) => [chosen.emails.OWNER, alsoChosen.emails.OWNER].includes(m.to))) {
      expect(message.text).toContain("Backblaze B2 (EU)");
      expect(message.text).toContain(`takes effect no sooner than ${earliest}, 30 days after this notice`);
      expect(message.html).toContain(`takes effect no sooner than ${earliest}`);
    }
    for (const org of [chosen, alsoChosen]) expect(await chainActions(org.id, "notice.subprocessor")).toHaveLength(1);
    expect(await chainActions(other.id, "notice.subprocessor")).toEqual([]);
  });
});
