import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { platformActor, type PlatformActor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { listMembers } from "@/lib/queries/members";
import { listOrganizations } from "@/lib/queries/platform-organizations";
import { createMember } from "@/lib/services/members";
import { restoreOrganization, suspendOrganization } from "@/lib/services/organization-status";
import { createPlatformAdmin } from "@/lib/services/organizations";
import { resolvePlatformSession } from "@/lib/queries/sessions";
import { signInToPlatform } from "@/lib/services/platform-sessions";
import { grantSupportAccess, openSupportAccess, revokeSupportAccess } from "@/lib/services/support-access";
import { connectAs } from "./support/database";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization, TEST_ACTOR } from "./support/organizations";

const HOUR = 3_600_000;
let org: TestOrganization;
let admin: PlatformActor;

beforeAll(async () => {
  org = await createTestOrganization("support");
  await createMember(org.actors.OWNER, { firstName: "Wanjiru", lastName: "Kariuki" });
  const email = `platform-${randomBytes(4).toString("hex")}@harambee.test`;
  await createPlatformAdmin(TEST_ACTOR, { email, name: "PA", password: TEST_PASSWORD });
  const signedIn = await signInToPlatform({ ip: "198.51.100.4", userAgent: null }, { email, password: TEST_PASSWORD });
  admin = platformActor(signedIn!.user, "198.51.100.4");
});
afterAll(() => disconnectAll());

/** The newest entries of the platform chain and of the organisation's chain, as the owner role reads them. */
async function latest(organizationId: string, count = 1) {
  const db = await connectAs("owner");
  try {
    const chain = async (where: string, params: unknown[]) =>
      (await db.query<{ action: string; actor_id: string | null; target_id: string | null }>(
        `SELECT action, actor_id, target_id FROM audit_entry WHERE ${where} ORDER BY seq DESC LIMIT ${count}`,
        params,
      )).rows;
    return { platform: await chain("organization_id IS NULL", []), organization: await chain("organization_id = $1", [organizationId]) };
  } finally {
    await db.end();
  }
}

const open = (now?: Date) => openSupportAccess(admin, org.id, now);

describe("[P9] support access only inside the owner's time-limited, revocable window, audited on both chains", () => {
  test("before any grant: not found, and the refusal is on both chains", async () => {
    await expect(open()).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { platform, organization } = await latest(org.id);
    for (const entry of [platform[0], organization[0]]) expect(entry).toMatchObject({ action: "support.access_denied", actor_id: admin.userId, target_id: org.id });
  });

  test("only the owner may grant, and for at most 72 hours", async () => {
    for (const role of ["ADMIN", "TREASURER", "VIEWER", "MEMBER"] as const) {
      await expect(grantSupportAccess(org.actors[role], { hours: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(grantSupportAccess(org.actors.OWNER, { hours: 73 })).rejects.toMatchObject({ code: "INVALID" });
    expect(admin.capabilities.has("support:grant")).toBe(false);
  });

  test("during the grant: the support slice of the organisation, each opening audited on both chains", async () => {
    const grant = await grantSupportAccess(org.actors.OWNER, { hours: 2 });
    let chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) {
      expect(entry).toMatchObject({ action: "support.grant", actor_id: org.actors.OWNER.userId, target_id: grant.id });
    }
    const { actor, org: opened } = await open();
    expect(opened.slug).toBe(org.slug);
    expect([...actor.capabilities].sort()).toEqual(["members:read", "org:read"]);
    expect((await listMembers(actor)).map((m) => m.lastName)).toEqual(["Kariuki"]);
    chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) expect(entry).toMatchObject({ action: "support.access", target_id: grant.id });
    // The window is the grant's: an hour before it ends still open, a moment after it ends closed.
    await expect(open(new Date(grant.expiresAt.getTime() - HOUR))).resolves.toBeDefined();
    await expect(open(new Date(grant.expiresAt.getTime() + 1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) expect(entry.action).toBe("support.access_denied");
  });

  test("after the owner revokes: not found again, revocation on both chains; the database refuses a window over 72 h", async () => {
    const grant = await grantSupportAccess(org.actors.OWNER, { hours: 72 });
    await open();
    await revokeSupportAccess(org.actors.OWNER, {});
    const chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) expect(entry).toMatchObject({ action: "support.revoke", target_id: grant.id });
    await expect(open()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(revokeSupportAccess(org.actors.OWNER, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    const db = await connectAs("platform");
    try {
      await expect(db.query("UPDATE support_grant SET expires_at = created_at + interval '73 hours' WHERE id = $1", [grant.id])).rejects.toThrow(/support_grant_window/);
    } finally {
      await db.end();
    }
  });

  test("the app role cannot write a grant itself, nor see another organisation's", async () => {
    const other = await createTestOrganization("support-other");
    await grantSupportAccess(other.actors.OWNER, { hours: 1 });
    const db = await connectAs("app");
    try {
      await db.query("BEGIN");
      await db.query("SELECT set_config('app.org_id', $1, true)", [org.id]);
      expect((await db.query("SELECT organization_id FROM support_grant")).rows.every((r) => r.organization_id === org.id)).toBe(true);
      await expect(
        db.query("INSERT INTO support_grant (id, organization_id, granted_by_id, expires_at) VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour')", [org.id, org.actors.OWNER.userId]),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await db.query("ROLLBACK");
      await db.end();
    }
  });
});

describe("suspend and restore", () => {
  test("only platform admins; each is on the platform chain and the organisation's; the list shows the status", async () => {
    await expect(suspendOrganization(org.actors.OWNER, { organizationId: org.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await suspendOrganization(admin, { organizationId: org.id });
    let chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) expect(entry).toMatchObject({ action: "organization.suspend", actor_id: admin.userId, target_id: org.id });
    expect((await listOrganizations(admin)).find((o) => o.id === org.id)).toMatchObject({ status: "SUSPENDED", _count: { members: 1, memberships: 8 } });
    await expect(suspendOrganization(admin, { organizationId: org.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await restoreOrganization(admin, { organizationId: org.id });
    chains = await latest(org.id);
    for (const entry of [chains.platform[0], chains.organization[0]]) expect(entry.action).toBe("organization.restore");
  });
});

describe("[M4.5] the platform sign-in admits platform and district admins only", () => {
  test("an organisation's owner, with the right password, gets no platform session; the refusal is on the platform chain", async () => {
    await expect(signInToPlatform({ ip: null, userAgent: null }, { email: org.emails.OWNER, password: TEST_PASSWORD })).rejects.toMatchObject({ code: "INVALID" });
    expect((await latest(org.id)).platform[0]).toMatchObject({ action: "auth.platform_login_failed", actor_id: org.actors.OWNER.userId });
    await expect(listOrganizations({ ...admin, capabilities: org.actors.OWNER.capabilities })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a platform session is not an organisation's, and an organisation's session is not the platform's", async () => {
    const signedIn = await signInToPlatform({ ip: null, userAgent: null }, { email: admin.label, password: TEST_PASSWORD });
    expect(await resolvePlatformSession(signedIn!.sessionId)).toMatchObject({ user: { id: admin.userId, isPlatformAdmin: true } });
    const db = await connectAs("owner");
    try {
      const { rows } = await db.query<{ id: string }>(
        "INSERT INTO session (id, user_id, organization_id, expires_at) VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour') RETURNING id",
        [org.actors.OWNER.userId, org.id],
      );
      expect(await resolvePlatformSession(rows[0].id)).toBeNull();
    } finally {
      await db.end();
    }
  });
});
