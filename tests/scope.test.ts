import { describe, expect, test } from "vitest";
import { capabilitiesOf, type RoleName } from "@/lib/authz/capabilities";
import { reaches, scope, type Unit } from "@/lib/authz/scope";

const ORG = "00000000-0000-4000-8000-000000000001";
const PROGRAM = "00000000-0000-4000-8000-0000000000a1";
const LOCATION = "00000000-0000-4000-8000-0000000000b1";
const USER = "00000000-0000-4000-8000-0000000000c1";

const subject = (role: RoleName, unit: Unit | null = null) => ({ organizationId: ORG, userId: USER, role, capabilities: capabilitiesOf(role), unit });
const tenant = { organizationId: ORG };
const NOTHING = { id: { in: [] } };

describe("[M4.3] scope(actor, resource) is the one list filter", () => {
  test("organisation-wide roles get the tenant filter and nothing else", () => {
    for (const role of ["OWNER", "ADMIN", "VIEWER"] as const) {
      expect(scope(subject(role), "beneficiary")).toEqual(tenant);
      expect(scope(subject(role), "program")).toEqual(tenant);
    }
    expect(scope(subject("TREASURER"), "member")).toEqual(tenant);
  });

  test("a program manager reaches their program's locations and beneficiaries", () => {
    const pm = subject("PROGRAM_MANAGER", { programId: PROGRAM, locationId: null });
    expect(scope(pm, "program")).toEqual({ AND: [tenant, { id: PROGRAM }] });
    expect(scope(pm, "location")).toEqual({ AND: [tenant, { programId: PROGRAM }] });
    expect(scope(pm, "beneficiary")).toEqual({ AND: [tenant, { location: { programId: PROGRAM } }] });
  });

  test("a location admin reaches their location; a field manager only what they registered", () => {
    const unit = { programId: PROGRAM, locationId: LOCATION };
    expect(scope(subject("LOCATION_ADMIN", unit), "beneficiary")).toEqual({ AND: [tenant, { locationId: LOCATION }] });
    expect(scope(subject("LOCATION_ADMIN", unit), "location")).toEqual({ AND: [tenant, { id: LOCATION }] });
    expect(scope(subject("FIELD_MANAGER", unit), "beneficiary")).toEqual({ AND: [tenant, { createdById: USER }] });
    expect(scope(subject("FIELD_MANAGER", unit), "program")).toEqual({ AND: [tenant, { id: PROGRAM }] });
  });

  test("a unit-bound role without a unit, or with a unit of the wrong kind, reaches nothing", () => {
    expect(scope(subject("PROGRAM_MANAGER"), "beneficiary")).toEqual({ AND: [tenant, NOTHING] });
    expect(scope(subject("PROGRAM_MANAGER", { programId: PROGRAM, locationId: LOCATION }), "location")).toEqual({ AND: [tenant, NOTHING] });
    expect(scope(subject("LOCATION_ADMIN", { programId: PROGRAM, locationId: null }), "beneficiary")).toEqual({ AND: [tenant, NOTHING] });
    expect(reaches(subject("LOCATION_ADMIN", { programId: PROGRAM, locationId: null }), "beneficiary", { organizationId: ORG, programId: PROGRAM, locationId: LOCATION })).toBe(false);
  });

  test("[M4.4] without the read capability, scope answers not-found", () => {
    expect(() => scope(subject("TREASURER"), "beneficiary")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => scope(subject("PROGRAM_MANAGER"), "member")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(reaches(subject("MEMBER"), "member", tenant)).toBe(false);
  });

  test("[M4.4] another organisation's object is never reached, whatever the role", () => {
    const foreign = { organizationId: "00000000-0000-4000-8000-000000000002", programId: PROGRAM, locationId: LOCATION, createdById: USER };
    const programUnit = { programId: PROGRAM, locationId: null };
    const locationUnit = { programId: PROGRAM, locationId: LOCATION };
    const subjects = [subject("OWNER"), subject("PROGRAM_MANAGER", programUnit), subject("LOCATION_ADMIN", locationUnit), subject("FIELD_MANAGER", locationUnit)];
    for (const s of subjects) expect(reaches(s, "beneficiary", foreign), s.role!).toBe(false);
  });
});
