import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { archiveMember, createMember, updateMember } from "@/lib/services/members";
import { getMember, listMembers } from "@/lib/queries/members";
import { withTenant } from "@/lib/db/tenant";
import { disconnectAll } from "@/lib/db/clients";
import { AppError } from "@/lib/errors";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

let club: TestOrganization;
let other: TestOrganization;

beforeAll(async () => {
  club = await createTestOrganization("members");
  other = await createTestOrganization("members-other");
});
afterAll(() => disconnectAll());

const auditFor = (orgId: string, targetId: string) =>
  withTenant(orgId, (tx) => tx.auditEntry.findMany({ where: { targetId }, orderBy: { seq: "asc" } }));

describe("the member register through the service layer", () => {
  test("[M5.1] creating and editing a member writes audit entries with actor, IP, action, target and before/after", async () => {
    const treasurer = club.actors.TREASURER;
    const member = await createMember(treasurer, { firstName: "Wanjiru", lastName: "Kariuki", email: "wanjiru@example.org" });
    await updateMember(treasurer, { id: member.id, firstName: "Wanjiru", lastName: "Kariuki-Mwangi", email: "wanjiru@example.org", phone: "+254712345678" });

    const [created, edited] = await auditFor(club.id, member.id);
    for (const entry of [created, edited]) {
      expect(entry.actorId).toBe(treasurer.userId);
      expect(entry.actorLabel).toBe(treasurer.label);
      expect(entry.ip).toBe("203.0.113.7");
      expect(entry.targetType).toBe("Member");
      expect(entry.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(created.action).toBe("member.create");
    expect(created.after).toMatchObject({ status: "ACTIVE", email: "[set]", lastName: "[set]" });
    expect(edited.action).toBe("member.update");
    expect(edited.prevHash).toBe(created.hash);
    expect(edited.before).toEqual({ lastName: "[redacted]", phone: null });
    expect(edited.after).toEqual({ lastName: "[changed]", phone: "[set]" });
    // Personal data never enters the trail verbatim.
    expect(JSON.stringify([created, edited], (_k, v) => (typeof v === "bigint" ? v.toString() : v))).not.toMatch(/Kariuki|wanjiru@|254712345678/);
  });

  test("[M4.4] a viewer creating a member is answered not-found and no row is written", async () => {
    const before = (await listMembers(club.actors.ADMIN, { includeArchived: true })).length;
    await expect(createMember(club.actors.VIEWER, { firstName: "Sneaky", lastName: "Viewer" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listMembers(club.actors.ADMIN, { includeArchived: true })).length).toBe(before);
  });

  test("[M4.4] another organisation's member is not found, for reads and writes alike", async () => {
    const foreign = await createMember(other.actors.ADMIN, { firstName: "Otieno", lastName: "Ochieng" });
    await expect(getMember(club.actors.ADMIN, foreign.id)).rejects.toBeInstanceOf(AppError);
    await expect(updateMember(club.actors.ADMIN, { id: foreign.id, firstName: "X", lastName: "Y" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(archiveMember(club.actors.OWNER, { id: foreign.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getMember(other.actors.ADMIN, foreign.id)).lastName).toBe("Ochieng");
  });

  test("invalid input is refused with field messages and changes nothing", async () => {
    const error = await createMember(club.actors.ADMIN, { firstName: "", lastName: "Ok", email: "not-an-email" }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("INVALID");
    expect(error.fieldErrors.firstName).toEqual(["First name is required"]);
    expect(error.fieldErrors.email).toEqual(["Enter a valid email address"]);
  });

  test("search finds members by first or last name, case-insensitively; archived ones are hidden by default", async () => {
    const admin = club.actors.ADMIN;
    const achieng = await createMember(admin, { firstName: "Achieng", lastName: "Omondi" });
    expect((await listMembers(admin, { search: "omond" })).map((m) => m.id)).toContain(achieng.id);
    expect((await listMembers(admin, { search: "ACHIENG" })).map((m) => m.id)).toContain(achieng.id);
    await archiveMember(admin, { id: achieng.id });
    expect((await listMembers(admin, { search: "Omondi" })).map((m) => m.id)).not.toContain(achieng.id);
    expect((await listMembers(admin, { search: "Omondi", includeArchived: true })).map((m) => m.id)).toContain(achieng.id);
  });
});
