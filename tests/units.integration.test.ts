import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { reaches, type Resource } from "@/lib/authz/scope";
import type { Actor } from "@/lib/authz/actor";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { countBeneficiaries, getBeneficiary, listBeneficiaries } from "@/lib/queries/beneficiaries";
import { listMembers } from "@/lib/queries/members";
import { getProgram, listLocations, listPrograms } from "@/lib/queries/programs";
import { assignedUnit } from "@/lib/queries/units";
import { createBeneficiary, updateBeneficiary } from "@/lib/services/beneficiaries";
import { createMember } from "@/lib/services/members";
import { createLocation, createProgram } from "@/lib/services/programs";
import { assignUnit } from "@/lib/services/units";
import { createUnitOrganization, type UnitOrganization } from "./support/units";

let ngo: UnitOrganization;
let other: UnitOrganization;

beforeAll(async () => {
  ngo = await createUnitOrganization("units");
  other = await createUnitOrganization("units-other");
});
afterAll(() => disconnectAll());

/** Every program, location and beneficiary of an organisation with the facts scope decides on. */
async function groundTruth(org: UnitOrganization) {
  return withTenant(org.id, async (tx) => ({
    program: (await tx.program.findMany({ select: { id: true, organizationId: true } })).map((p) => ({ ...p, programId: p.id })),
    location: (await tx.location.findMany({ select: { id: true, organizationId: true, programId: true } })).map((l) => ({ ...l, locationId: l.id })),
    beneficiary: (
      await tx.beneficiary.findMany({ select: { id: true, organizationId: true, locationId: true, createdById: true, location: { select: { programId: true } } } })
    ).map(({ location, ...b }) => ({ ...b, programId: location.programId })),
  }));
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
/** What a list returns; a list the actor may not read at all answers not-found, i.e. nothing. */
const orNothing = (list: Promise<string[]>) => list.catch((e) => (e?.code === "NOT_FOUND" ? [] : Promise.reject(e)));
const scopedIds: Record<Exclude<Resource, "member" | "duesPlan" | "duesInvoice" | "donor" | "donorReceipt" | "welfareCase" | "welfareDisbursement" | "batch">, (actor: Actor) => Promise<string[]>> = {
  program: async (actor) => ids(await listPrograms(actor)),
  location: async (actor) => ids(await listLocations(actor)),
  beneficiary: async (actor) => ids(await listBeneficiaries(actor)),
};

describe("[M4.3] list scoping by role on seeded data", () => {
  test("field manager / location admin / program manager / admin see 12 / 15 / 23 / 29 beneficiaries", async () => {
    const sizes = Object.fromEntries(
      await Promise.all(
        ["field-manager", "field-manager-2", "field-manager-3", "location-admin", "program-manager", "admin", "owner", "viewer"].map(
          async (key) => [key, (await listBeneficiaries(ngo.people[key])).length] as const,
        ),
      ),
    );
    expect(sizes).toEqual({
      "field-manager": 12,
      "field-manager-2": 8,
      "field-manager-3": 6,
      "location-admin": 15,
      "program-manager": 23,
      admin: 29,
      owner: 29,
      viewer: 29,
    });
    expect(await countBeneficiaries(ngo.people["location-admin"])).toBe(15);
  });

  test("programs and locations: the program manager sees one program and its two locations, the location admin one of each", async () => {
    expect((await listPrograms(ngo.people["program-manager"])).map((p) => [p.name, p._count.locations])).toEqual([["Food Relief", 2]]);
    expect((await listLocations(ngo.people["location-admin"])).map((l) => l.name)).toEqual(["Ikeja"]);
    expect((await listLocations(ngo.people["field-manager-3"])).map((l) => l.name)).toEqual(["Mushin"]);
    expect((await listPrograms(ngo.people.admin)).map((p) => [p.name, p._count.locations])).toEqual([
      ["Food Relief", 2],
      ["School Meals", 1],
    ]);
    const program = await getProgram(ngo.people["location-admin"], ngo.seeded.programs["Food Relief"]);
    expect(program.locations.map((l) => [l.name, l._count.beneficiaries])).toEqual([["Ikeja", 15]]);
  });

  test("for every person and every object, the query returns exactly what the reach predicate allows", async () => {
    const truth = await groundTruth(ngo);
    const foreign = await groundTruth(other);
    let pairs = 0;
    for (const [key, actor] of Object.entries(ngo.people)) {
      for (const resource of ["program", "location", "beneficiary"] as const) {
        const expected = [...truth[resource], ...foreign[resource]].filter((o) => reaches(actor, resource, o)).map((o) => o.id).sort();
        expect(await orNothing(scopedIds[resource](actor)), `${key} ${resource}`).toEqual(expected);
        pairs += truth[resource].length + foreign[resource].length;
      }
    }
    expect(pairs).toBeGreaterThan(500);
  });
});

describe("[M4.4] out-of-reach and foreign objects read and write as missing", () => {
  test("a field manager cannot open or edit a beneficiary the location admin registered at the same location", async () => {
    const byAdmin = ngo.seeded.beneficiaries.find((b) => b.by === "location-admin")!;
    const fm = ngo.people["field-manager"];
    await expect(getBeneficiary(fm, byAdmin.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateBeneficiary(fm, { id: byAdmin.id, firstName: "X", lastName: "Y", householdSize: 2 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getBeneficiary(ngo.people["location-admin"], byAdmin.id)).firstName).not.toBe("X");
  });

  test("registering at a location out of reach, or another organisation's, is refused and writes nothing", async () => {
    const before = await countBeneficiaries(ngo.people.admin);
    const agege = ngo.seeded.locations["Food Relief/Agege"];
    const foreignIkeja = other.seeded.locations["Food Relief/Ikeja"];
    const person = { firstName: "Out", lastName: "Of-Reach", householdSize: 1 };
    await expect(createBeneficiary(ngo.people["field-manager"], { ...person, locationId: agege })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createBeneficiary(ngo.people["location-admin"], { ...person, locationId: agege })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createBeneficiary(ngo.people.owner, { ...person, locationId: foreignIkeja })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await countBeneficiaries(ngo.people.admin)).toBe(before);
    expect(await countBeneficiaries(other.people.admin)).toBe(29);
  });

  test("a program manager adds locations to their program only", async () => {
    const pm = ngo.people["program-manager"];
    const added = await createLocation(pm, { programId: ngo.seeded.programs["Food Relief"], name: "Oshodi" });
    expect((await listLocations(pm)).map((l) => l.id)).toContain(added.id);
    await expect(createLocation(pm, { programId: ngo.seeded.programs["School Meals"], name: "Yaba" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createLocation(pm, { programId: other.seeded.programs["Food Relief"], name: "Yaba" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(createLocation(pm, { programId: ngo.seeded.programs["Food Relief"], name: "Oshodi" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  test("another organisation's program opens as missing even for the owner", async () => {
    await expect(getProgram(ngo.people.owner, other.seeded.programs["Food Relief"])).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getBeneficiary(ngo.people.owner, other.seeded.beneficiaries[0].id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("unit assignments", () => {
  test("reassigning a field manager moves their programs and locations at once, and is audited", async () => {
    const fm = ngo.people["field-manager-3"];
    await assignUnit(ngo.people.admin, { userId: fm.userId, unitId: ngo.seeded.locations["Food Relief/Agege"] });
    const moved = { ...fm, unit: await assignedUnit(ngo.id, fm.userId!) };
    expect((await listLocations(moved)).map((l) => l.name)).toEqual(["Agege"]);
    // What they registered stays theirs.
    expect((await listBeneficiaries(moved)).length).toBe(6);
    const [entry] = await withTenant(ngo.id, (tx) =>
      tx.auditEntry.findMany({ where: { action: "membership.assign_unit", targetType: "Membership" }, orderBy: { seq: "desc" }, take: 1 }),
    );
    expect(entry.before).toEqual({ programId: null, locationId: ngo.seeded.locations["School Meals/Mushin"] });
    expect(entry.after).toEqual({ programId: null, locationId: ngo.seeded.locations["Food Relief/Agege"] });
    await assignUnit(ngo.people.admin, { userId: fm.userId, unitId: ngo.seeded.locations["School Meals/Mushin"] });
  });

  test("roles that reach the whole organisation take no unit; a unit of the wrong kind or tenant reads as missing", async () => {
    const admin = ngo.people.admin;
    await expect(assignUnit(admin, { userId: ngo.people.viewer.userId, unitId: ngo.seeded.programs["Food Relief"] })).rejects.toMatchObject({ code: "INVALID" });
    await expect(assignUnit(admin, { userId: ngo.people["program-manager"].userId, unitId: ngo.seeded.locations["Food Relief/Ikeja"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(assignUnit(admin, { userId: ngo.people["location-admin"].userId, unitId: other.seeded.locations["Food Relief/Ikeja"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(assignUnit(ngo.people["program-manager"], { userId: ngo.people["field-manager"].userId, unitId: "" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await assignedUnit(ngo.id, ngo.people["program-manager"].userId!)).toEqual({ programId: ngo.seeded.programs["Food Relief"], locationId: null });
  });

  test("[M5.1] registering a beneficiary is audited without the person's name", async () => {
    const la = ngo.people["location-admin"];
    const created = await createBeneficiary(la, { locationId: la.unit!.locationId!, firstName: "Chiamaka", lastName: "Okonkwo-Unique", householdSize: 4 });
    const [entry] = await withTenant(ngo.id, (tx) => tx.auditEntry.findMany({ where: { targetId: created.id } }));
    expect(entry).toMatchObject({ action: "beneficiary.create", actorId: la.userId, targetType: "Beneficiary", ip: "203.0.113.7" });
    expect(entry.after).toEqual({ firstName: "[set]", lastName: "[set]", householdSize: 4, locationId: la.unit!.locationId });
    expect(JSON.stringify(entry.after)).not.toMatch(/Chiamaka|Okonkwo/);
  });
});

describe("[M4.1] each role does one thing and is refused another, through the services", () => {
  test.each([
    ["owner", (a: Actor) => createProgram(a, { name: "Owner's program" }), (a: Actor) => getProgram(a, other.seeded.programs["Food Relief"])],
    ["admin", (a: Actor) => assignUnit(a, { userId: ngo.people["field-manager"].userId, unitId: ngo.seeded.locations["Food Relief/Ikeja"] }), (a: Actor) => updateBeneficiary(a, { id: other.seeded.beneficiaries[0].id, firstName: "A", lastName: "B", householdSize: 1 })],
    ["treasurer", (a: Actor) => createMember(a, { firstName: "Zawadi", lastName: "Ndegwa" }), (a: Actor) => listBeneficiaries(a)],
    ["program-manager", (a: Actor) => listBeneficiaries(a), (a: Actor) => createProgram(a, { name: "Not theirs" })],
    ["location-admin", (a: Actor) => createBeneficiary(a, { locationId: a.unit!.locationId!, firstName: "Tunde", lastName: "Bello", householdSize: 2 }), (a: Actor) => createLocation(a, { programId: a.unit!.programId, name: "Elsewhere" })],
    ["field-manager", (a: Actor) => createBeneficiary(a, { locationId: a.unit!.locationId!, firstName: "Musa", lastName: "Lawal", householdSize: 5 }), (a: Actor) => listMembers(a)],
    ["viewer", (a: Actor) => listMembers(a), (a: Actor) => createMember(a, { firstName: "Not", lastName: "Allowed" })],
  ] as const)("%s", async (key, allowed, refused) => {
    await expect(allowed(ngo.people[key])).resolves.toBeDefined();
    await expect(refused(ngo.people[key])).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
