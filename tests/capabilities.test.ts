import { describe, expect, test } from "vitest";
import {
  CAPABILITIES,
  PLATFORM_CAPABILITIES,
  PROVIDER_CAPABILITIES,
  PLATFORM_PRINCIPALS,
  ROLE_CAPABILITIES,
  ROLES,
  SUPPORT_ACCESS,
  can,
  capabilitiesOf,
  rolesWith,
  type Capability,
  type PlatformPrincipal,
  type RoleName,
} from "@/lib/authz/capabilities";

/** One thing each role and platform principal can do, and one it cannot (promises M4.1, B3.1). */
const EXAMPLES: Record<RoleName | PlatformPrincipal, { can: Capability; cannot: Capability }> = {
  OWNER: { can: "billing:manage", cannot: "welfare:approve" },
  ADMIN: { can: "roles:manage", cannot: "billing:manage" },
  TREASURER: { can: "welfare:approve", cannot: "roles:manage" },
  PROGRAM_MANAGER: { can: "locations:write", cannot: "members:read" },
  LOCATION_ADMIN: { can: "batches:manage", cannot: "locations:write" },
  FIELD_MANAGER: { can: "beneficiaries:write", cannot: "batches:manage" },
  MEMBER: { can: "directory:read", cannot: "members:read" },
  VIEWER: { can: "dues:read", cannot: "dues:collect" },
  DISTRICT_ADMIN: { can: "district:report", cannot: "members:read" },
  PLATFORM_ADMIN: { can: "platform:suspend", cannot: "members:read" },
};

const holder = (caps: readonly Capability[]) => ({ capabilities: new Set(caps) });
const capsOf = (who: RoleName | PlatformPrincipal) =>
  (ROLES as readonly string[]).includes(who) ? ROLE_CAPABILITIES[who as RoleName] : PLATFORM_CAPABILITIES[who as PlatformPrincipal];

const platformLevel = (c: Capability) => c.startsWith("district:") || c.startsWith("platform:");
const READS = (c: Capability) => c.endsWith(":read");

describe("[M4.1] [B3.1] the capability table gives each role its own slice", () => {
  test.each(Object.entries(EXAMPLES))("%s: one thing it can do and one it cannot", (who, example) => {
    const subject = holder(capsOf(who as RoleName | PlatformPrincipal));
    expect(can(subject, example.can)).toBe(true);
    expect(can(subject, example.cannot)).toBe(false);
  });

  test("every role and platform principal is in the examples, and every capability is held by someone", () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...ROLES, ...PLATFORM_PRINCIPALS].sort());
    const held = new Set([...Object.values(ROLE_CAPABILITIES).flat(), ...Object.values(PLATFORM_CAPABILITIES).flat(), ...Object.values(PROVIDER_CAPABILITIES).flat()]);
    expect(CAPABILITIES.filter((c) => !held.has(c))).toEqual([]);
  });

  test("viewers read but never write", () => {
    expect(ROLE_CAPABILITIES.VIEWER.filter((c) => !READS(c))).toEqual([]);
  });

  test("only owners manage billing, delete the organisation, let support in and receive platform notices", () => {
    for (const capability of ["billing:manage", "org:delete", "support:grant", "notices:receive"] as const) {
      expect(rolesWith(capability), capability).toEqual(["OWNER"]);
    }
  });

  test("treasurers collect dues and alone approve welfare disbursements", () => {
    expect(can({ capabilities: capabilitiesOf("TREASURER") }, "dues:collect")).toBe(true);
    expect(rolesWith("welfare:approve")).toEqual(["TREASURER"]);
  });

  test("members see their own profile, their dues and the opted-in directory, and may give, not the register", () => {
    expect([...ROLE_CAPABILITIES.MEMBER].sort()).toEqual(["directory:read", "donations:give", "dues:own", "org:read", "profile:own"]);
  });

  test("district and platform admins hold no tenant capability; tenant roles hold no platform capability", () => {
    for (const [who, caps] of Object.entries(PLATFORM_CAPABILITIES)) expect(caps.filter((c) => !platformLevel(c)), who).toEqual([]);
    for (const role of ROLES) expect(ROLE_CAPABILITIES[role].filter(platformLevel), role).toEqual([]);
  });

  test("platform support, during an owner's grant, may only read", () => {
    expect(SUPPORT_ACCESS.length).toBeGreaterThan(0);
    expect(SUPPORT_ACCESS.filter((c) => !READS(c))).toEqual([]);
  });
});
