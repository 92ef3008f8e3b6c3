import { randomBytes } from "node:crypto";
import type { RoleName } from "@/lib/authz/capabilities";
import { memberActor, type Actor } from "@/lib/authz/actor";
import { assignedUnit } from "@/lib/queries/units";
import { addPersonToOrganization } from "@/lib/services/organizations";
import { IKEJA_RELIEF_UNITS, seedUnits, type SeededUnits, type SeedPerson } from "@/prisma/seed-units";
import { createTestOrganization, TEST_ACTOR, TEST_PASSWORD, type TestOrganization } from "./organizations";

export type UnitOrganization = TestOrganization & {
  seeded: SeededUnits;
  /** By seed key ("field-manager-2", "location-admin", …), with the unit loaded as a request would. */
  people: Record<string, Actor>;
};

const KEYS: Partial<Record<RoleName, string>> = {
  OWNER: "owner",
  ADMIN: "admin",
  TREASURER: "treasurer",
  MEMBER: "member",
  PROGRAM_MANAGER: "program-manager",
  LOCATION_ADMIN: "location-admin",
  FIELD_MANAGER: "field-manager",
  VIEWER: "viewer",
};

let serial = 0;
const names = (count: number, offset: number) =>
  Array.from({ length: count }, (_, i) => ({ firstName: `Ada${offset + i}`, lastName: `Eze-${randomBytes(2).toString("hex")}-${serial++}` }));

/** A fresh NGO seeded with the demo's unit plan (two programs, three locations, three field managers). */
export async function createUnitOrganization(prefix: string): Promise<UnitOrganization> {
  const org = await createTestOrganization(prefix, "NGO");
  const people: Record<string, SeedPerson> = {};
  for (const [role, key] of Object.entries(KEYS) as [RoleName, string][]) {
    people[key] = { userId: org.actors[role].userId!, email: org.emails[role], role };
  }
  for (const key of ["field-manager-2", "field-manager-3"]) {
    const email = `${key}@${org.slug}.test`;
    const { userId } = await addPersonToOrganization(
      TEST_ACTOR,
      { organizationId: org.id, email, name: key, password: TEST_PASSWORD, role: "FIELD_MANAGER" },
    );
    people[key] = { userId, email, role: "FIELD_MANAGER" };
  }
  const seeded = await seedUnits(org.actors.OWNER, people, IKEJA_RELIEF_UNITS, names);
  const actors: Record<string, Actor> = {};
  for (const [key, person] of Object.entries(people)) {
    const unit = await assignedUnit(org.id, person.userId);
    actors[key] = memberActor({ organizationId: org.id, ...person, ip: "203.0.113.7", unit });
  }
  return { ...org, seeded, people: actors };
}
