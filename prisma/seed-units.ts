import type { RoleName } from "../lib/authz/capabilities";
import { memberActor, type Actor } from "../lib/authz/actor";
import { createBeneficiary } from "../lib/services/beneficiaries";
import { createLocation, createProgram } from "../lib/services/programs";
import { assignUnit } from "../lib/services/units";

/**
 * Programs, locations, unit assignments and beneficiaries, made through the
 * same services the app uses, so that list scoping (promise M4.3) has
 * something to tell apart: each person registers beneficiaries at the
 * location they are assigned to.
 */
export type UnitPlan = {
  programs: { name: string; locations: string[] }[];
  /** Person key → their program, or their program and location. */
  assignments: Record<string, [string] | [string, string]>;
  /** Who registers how many beneficiaries (at their own location). */
  registrations: [string, number][];
};

export type SeedPerson = { userId: string; email: string; role: RoleName };

export type SeededUnits = {
  programs: Record<string, string>;
  /** "Program/Location" → id */
  locations: Record<string, string>;
  beneficiaries: { id: string; by: string; locationId: string }[];
};

export async function seedUnits(
  owner: Actor,
  people: Record<string, SeedPerson>,
  plan: UnitPlan,
  names: (count: number, offset: number) => { firstName: string; lastName: string }[],
): Promise<SeededUnits> {
  const seeded: SeededUnits = { programs: {}, locations: {}, beneficiaries: [] };
  for (const program of plan.programs) {
    const { id } = await createProgram(owner, { name: program.name });
    seeded.programs[program.name] = id;
    for (const location of program.locations) {
      seeded.locations[`${program.name}/${location}`] = (await createLocation(owner, { programId: id, name: location })).id;
    }
  }
  const actors: Record<string, Actor> = {};
  for (const [key, [program, location]] of Object.entries(plan.assignments)) {
    const unitId = location ? seeded.locations[`${program}/${location}`] : seeded.programs[program];
    await assignUnit(owner, { userId: people[key].userId, unitId });
    const unit = { programId: seeded.programs[program], locationId: location ? unitId : null };
    actors[key] = memberActor({ organizationId: owner.organizationId, ...people[key], unit, ip: null });
  }
  let offset = 0;
  for (const [key, count] of plan.registrations) {
    const actor = actors[key];
    const locationId = actor?.unit?.locationId;
    if (!locationId) throw new Error(`${key} registers beneficiaries but has no location`);
    for (const person of names(count, offset)) {
      const { id } = await createBeneficiary(actor, { ...person, locationId, householdSize: 1 + ((offset * 3) % 7) });
      seeded.beneficiaries.push({ id, by: key, locationId });
      offset += 1;
    }
  }
  return seeded;
}

/** The NGO's demo: two programs, three locations, three field managers. */
export const IKEJA_RELIEF_UNITS: UnitPlan = {
  programs: [
    { name: "Food Relief", locations: ["Ikeja", "Agege"] },
    { name: "School Meals", locations: ["Mushin"] },
  ],
  assignments: {
    "program-manager": ["Food Relief"],
    "location-admin": ["Food Relief", "Ikeja"],
    "field-manager": ["Food Relief", "Ikeja"],
    "field-manager-2": ["Food Relief", "Agege"],
    "field-manager-3": ["School Meals", "Mushin"],
  },
  registrations: [
    ["field-manager", 12],
    ["location-admin", 3],
    ["field-manager-2", 8],
    ["field-manager-3", 6],
  ],
};

/** A club's community-service project, small. */
export const CLUB_PROJECT_UNITS: UnitPlan = {
  programs: [{ name: "Water Project", locations: ["Kibera"] }],
  assignments: { "field-manager": ["Water Project", "Kibera"] },
  registrations: [["field-manager", 2]],
};
