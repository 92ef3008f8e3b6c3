import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AUDIT_CSV_COLUMNS } from "@/lib/audit/csv";
import type { Actor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { listAuditEntries, verifyAuditChain } from "@/lib/queries/audit";
import { reserveAuditCsv } from "@/lib/queries/audit-csv";
import { env } from "@/lib/env";
import type { AuditFilter } from "@/lib/schemas/audit";
import { recordAuditExport } from "@/lib/services/audit-exports";
import { changeRole, removeMembership } from "@/lib/services/memberships";
import { createMember, updateMember } from "@/lib/services/members";
import { resolveSession } from "@/lib/queries/sessions";
import { endSession, signInWithPassword } from "@/lib/services/sessions";
import { parseAuditCsv, recomputeRowHash } from "./support/audit-csv";
import { connectAs } from "./support/database";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization } from "./support/organizations";

let club: TestOrganization;
let other: TestOrganization;

beforeAll(async () => {
  club = await createTestOrganization("audit");
  other = await createTestOrganization("audit-other");
});
afterAll(() => disconnectAll());

/** The export's CSV as the route streams it: from its child process. */
const exportCsv = async (actor: Actor, filter: AuditFilter) => new Response(await reserveAuditCsv(actor).start(filter)).text();

const lastEntry = (orgId: string, action: string) =>
  withTenant(orgId, (tx) => tx.auditEntry.findFirstOrThrow({ where: { action }, orderBy: { seq: "desc" } }));

/** The fields promise M5.1 names, present on an entry: who, when (UTC), what, on what, from where. */
function expectAttributed(entry: Awaited<ReturnType<typeof lastEntry>>, actor: { userId: string | null; label: string }, ip: string) {
  expect(entry.actorId).toBe(actor.userId);
  expect(entry.actorLabel).toBe(actor.label);
  expect(entry.ip).toBe(ip);
  expect(entry.summary.length).toBeGreaterThan(0);
  expect(entry.targetType).toBeTruthy();
  expect(entry.targetId).toBeTruthy();
  expect(entry.at.toISOString()).toMatch(/Z$/);
  expect(Math.abs(entry.at.getTime() - Date.now())).toBeLessThan(60_000);
}

describe("each audited field is present", () => {
  test("[M5.1] [B3.3] a member edit: actor, IP, UTC time, action, summary, target, before and after", async () => {
    const admin = club.actors.ADMIN;
    const member = await createMember(admin, { firstName: "Kamau", lastName: "Njoroge" });
    await updateMember(admin, { id: member.id, firstName: "Kamau", lastName: "Njoroge", phone: "+254733000222" });
    const entry = await lastEntry(club.id, "member.update");
    expectAttributed(entry, admin, "203.0.113.7");
    expect(entry.targetType).toBe("Member");
    expect(entry.targetId).toBe(member.id);
    expect(entry.before).toEqual({ phone: null });
    expect(entry.after).toEqual({ phone: "[set]" });
  });

  test("[M5.1] [B3.3] a role change: the old role before, the new one after", async () => {
    const owner = club.actors.OWNER;
    const treasurer = club.actors.TREASURER;
    await changeRole(owner, { userId: treasurer.userId, role: "MEMBER" });
    const entry = await lastEntry(club.id, "membership.change_role");
    expectAttributed(entry, owner, "203.0.113.7");
    expect(entry.targetType).toBe("Membership");
    expect(entry.summary).toBe("Role changed from TREASURER to MEMBER");
    expect(entry.before).toMatchObject({ userId: treasurer.userId, role: "TREASURER" });
    expect(entry.after).toMatchObject({ userId: treasurer.userId, role: "MEMBER" });
    await changeRole(owner, { userId: treasurer.userId, role: "TREASURER" });
  });

  test("[M5.1] [B3.3] a login, a failed login and a logout, with the client IP", async () => {
    const email = club.emails.MEMBER;
    const signedIn = await signInWithPassword({ organizationId: club.id, email, password: TEST_PASSWORD, ip: "198.51.100.23", userAgent: "vitest" });
    expect(signedIn).not.toBeNull();
    const login = await lastEntry(club.id, "auth.login");
    expectAttributed(login, { userId: club.actors.MEMBER.userId, label: email }, "198.51.100.23");
    expect(login).toMatchObject({ targetType: "Session", targetId: signedIn!.sessionId });
    await signInWithPassword({ organizationId: club.id, email, password: "wrong-password-entirely", ip: "198.51.100.24", userAgent: "vitest" });
    const failed = await lastEntry(club.id, "auth.login_failed");
    expectAttributed(failed, { userId: club.actors.MEMBER.userId, label: email }, "198.51.100.24");
    await endSession({ organizationId: club.id, userId: club.actors.MEMBER.userId!, sessionId: signedIn!.sessionId, label: email, ip: "198.51.100.25" }, {});
    const logout = await lastEntry(club.id, "auth.logout");
    expectAttributed(logout, { userId: club.actors.MEMBER.userId, label: email }, "198.51.100.25");
    expect(logout.targetId).toBe(signedIn!.sessionId);
  });
});

describe("platform actions", () => {
  test("[M5.1] creating an organisation and adding its people are on the platform chain and on the organisation's chain", async () => {
    const platform = await connectAs("platform");
    try {
      const count = async (chain: string | null, action: string) =>
        (
          await platform.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM audit_entry
              WHERE organization_id IS NOT DISTINCT FROM $1::uuid AND action = $2 AND (target_id = $3 OR after->>'organizationId' = $3)`,
            [chain, action, club.id],
          )
        ).rows[0].n;
      expect(await count(null, "organization.create")).toBe(1);
      expect(await count(club.id, "organization.create")).toBe(1);
      expect(await count(null, "membership.create")).toBe(8);
      expect(await count(club.id, "membership.create")).toBe(8);
    } finally {
      await platform.end();
    }
  });
});

describe("role changes and removals", () => {
  test("[M4.1] an admin cannot demote or remove an owner, nor make one; an owner can", async () => {
    const admin = club.actors.ADMIN;
    const owner = club.actors.OWNER;
    await expect(changeRole(admin, { userId: owner.userId, role: "MEMBER" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(removeMembership(admin, { userId: owner.userId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(changeRole(admin, { userId: club.actors.VIEWER.userId, role: "OWNER" })).rejects.toMatchObject({ code: "INVALID" });
    await expect(changeRole(admin, { userId: admin.userId, role: "OWNER" })).rejects.toMatchObject({ code: "INVALID" });
    await expect(changeRole(club.actors.VIEWER, { userId: club.actors.MEMBER.userId, role: "ADMIN" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Another organisation's person reads as missing.
    await expect(changeRole(owner, { userId: other.actors.MEMBER.userId, role: "VIEWER" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await changeRole(owner, { userId: admin.userId, role: "VIEWER" })).toMatchObject({ role: "VIEWER" });
    expect(await changeRole(owner, { userId: admin.userId, role: "ADMIN" })).toMatchObject({ role: "ADMIN" });
  });

  test("[M5.1] removing a person revokes their sessions in that organisation at once, and is audited", async () => {
    const viewer = club.actors.VIEWER;
    const here = await signInWithPassword({ organizationId: club.id, email: club.emails.VIEWER, password: TEST_PASSWORD, ip: null, userAgent: null });
    expect(await resolveSession(here!.sessionId, club.id)).not.toBeNull();
    const result = await removeMembership(club.actors.ADMIN, { userId: viewer.userId });
    expect(result.sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect(await resolveSession(here!.sessionId, club.id)).toBeNull();
    const entry = await lastEntry(club.id, "membership.remove");
    expect(entry.before).toEqual({ userId: viewer.userId, role: "VIEWER" });
    expect(entry.after).toEqual({ sessionsRevoked: result.sessionsRevoked });
    // Once removed there is nothing left to remove.
    await expect(removeMembership(club.actors.ADMIN, { userId: viewer.userId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the audit page's reads", () => {
  test("[M5.3] newest first, filtered by actor, action, target and dates, paged by keyset; only audit:read holders", async () => {
    const admin = club.actors.ADMIN;
    for (let i = 0; i < 45; i++) await createMember(admin, { firstName: "Page", lastName: `Filler ${i}` });
    const all = await listAuditEntries(admin, {});
    expect(all.entries.map((e) => e.seq)).toEqual([...all.entries.map((e) => e.seq)].sort((a, b) => (a > b ? -1 : 1)));
    expect(all.entries.length).toBe(50);
    const older = await listAuditEntries(admin, {}, all.next!);
    expect(older.entries[0].seq).toBe(all.entries[49].seq - 1n);

    const byAction = await listAuditEntries(admin, { action: "membership." });
    expect(byAction.entries.length).toBeGreaterThan(0);
    expect(byAction.entries.every((e) => e.action.startsWith("membership."))).toBe(true);
    const byActor = await listAuditEntries(admin, { actor: club.emails.OWNER });
    expect(new Set(byActor.entries.map((e) => e.actorLabel))).toEqual(new Set([club.emails.OWNER]));
    const byTarget = await listAuditEntries(admin, { target: "session" });
    expect(byTarget.entries.length).toBeGreaterThan(0);
    expect(byTarget.entries.every((e) => e.targetType === "Session")).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAuditEntries(admin, { from: today, to: today })).entries.length).toBe(50);
    expect((await listAuditEntries(admin, { to: "2000-01-01" })).entries).toEqual([]);
    // Another organisation's trail is never in this one's.
    expect((await listAuditEntries(other.actors.OWNER, { actor: club.emails.OWNER })).entries).toEqual([]);

    for (const role of ["VIEWER", "TREASURER", "MEMBER"] as const) {
      await expect(listAuditEntries(other.actors[role], {})).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(recordAuditExport(other.actors[role], {})).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(() => reserveAuditCsv(other.actors[role])).toThrow("Not found");
    }
  });

  test("[M5.3] [M5.4] the CSV export: header, every entry of the filter, each row's hash recomputable from its columns; the page's verify says intact", async () => {
    const admin = club.actors.ADMIN;
    const text = await exportCsv(admin, { action: "member." });
    expect(text.slice(0, text.indexOf("\r\n"))).toBe(AUDIT_CSV_COLUMNS.join(","));
    const rows = parseAuditCsv(text);
    const stored = await withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { action: { startsWith: "member." } }, orderBy: { seq: "desc" } }));
    expect(rows.map((r) => r.seq)).toEqual(stored.map((e) => e.seq.toString()));
    for (const row of rows) expect(recomputeRowHash(row, env().auditKeys.keys), `row #${row.seq}`).toBe(row.hash);
    const verdict = await verifyAuditChain(admin);
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.checked).toBeGreaterThan(50);
  });

  test("[M5.3] the streamed CSV (plain node-postgres, its own tenant transactions) holds exactly the page's entries for each filter", async () => {
    const admin = club.actors.ADMIN;
    const today = new Date().toISOString().slice(0, 10);
    const filters = [
      { actor: club.emails.OWNER },
      { actor: club.actors.OWNER.userId! },
      { action: "membership." },
      { target: "SESSION" },
      { from: today, to: today },
      { to: "2000-01-01" },
      { actor: "%" },
      { action: "_ember." },
    ];
    for (const filter of filters) {
      const csv = parseAuditCsv(await exportCsv(admin, filter)).map((r) => r.seq);
      const page = (await listAuditEntries(admin, filter)).entries.map((e) => e.seq.toString());
      expect(csv.slice(0, page.length), JSON.stringify(filter)).toEqual(page);
      if (page.length < 50) expect(csv.length, JSON.stringify(filter)).toBe(page.length);
    }
    // Another organisation's export never holds this one's entries.
    expect(parseAuditCsv(await exportCsv(other.actors.OWNER, { actor: club.emails.OWNER }))).toEqual([]);
  });
});
