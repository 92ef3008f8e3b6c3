/**
 * The one role → capability table. Code asks `can(actor, "members:write")`;
 * role names are compared nowhere else (enforced by lint, promise M4.1).
 * `docs/ACCESS.md` is generated from this file (`npm run docs:access`).
 */
export const ROLES = [
  "OWNER",
  "ADMIN",
  "TREASURER",
  "PROGRAM_MANAGER",
  "LOCATION_ADMIN",
  "FIELD_MANAGER",
  "MEMBER",
  "VIEWER",
] as const;
export type RoleName = (typeof ROLES)[number];

/** What each capability lets its holder do; the generated table shows these words. */
export const CAPABILITY_DESCRIPTIONS = {
  "org:read": "Open the organisation's dashboard",
  "org:manage": "Change the organisation's settings",
  "org:delete": "Close and delete the organisation",
  "roles:manage": "Add people, change their roles and unit assignments",
  "billing:manage": "Manage the platform subscription and payment details",
  "support:grant": "Let platform support in for a limited time, and revoke it",
  "notices:receive": "Receive breach and sub-processor notices from the platform",
  "audit:read": "Read and export the audit trail",
  "members:read": "Read the whole member register",
  "members:write": "Add, edit and archive members",
  "directory:read": "Read the member directory (only members who opted in)",
  "profile:own": "See and edit one's own member profile and directory visibility",
  "dues:own": "See one's own dues and pay them",
  "dues:read": "Read every member's dues and arrears",
  "dues:collect": "Issue dues and record payments",
  "payments:settle": "Settle payments a provider confirms (held only by the Stripe and M-Pesa webhooks and their reconciliation job)",
  "donations:read": "Read donations and donor receipts",
  "donations:write": "Record donations and issue receipts",
  "donations:give": "Give a donation (any member, and the visitor on the club's public donation page)",
  "welfare:read": "Read welfare cases",
  "welfare:write": "Open welfare cases and request disbursements",
  "welfare:approve": "Approve or refuse welfare disbursements",
  "welfare:notes": "Read and edit the confidential notes of every welfare case (a case's creator always may)",
  "programs:read": "Read programs and locations (within the role's reach)",
  "programs:write": "Create programs",
  "locations:write": "Add locations to a program (within the role's reach)",
  "beneficiaries:read": "Read beneficiary records (within the role's reach)",
  "beneficiaries:write": "Register and edit beneficiaries (within the role's reach)",
  "batches:manage": "Upload, process and purge beneficiary batches (within the role's reach)",
  "retention:manage": "Set how long raw beneficiary PII is kept after a batch is processed",
  "district:report": "Read the district's aggregate report (counts and totals, never a member row)",
  "platform:organizations": "List organisations with their status and usage",
  "platform:suspend": "Suspend and restore organisations",
  "platform:notices": "Send incident and sub-processor notices to organisation owners",
  "platform:provision": "Create organisations and their first people, platform admins and district admins",
  "platform:keys": "Re-encrypt stored values under a new key and recompute blind indexes (npm run keys:rotate)",
} as const satisfies Record<string, string>;

export type Capability = keyof typeof CAPABILITY_DESCRIPTIONS;
export const CAPABILITIES = Object.keys(CAPABILITY_DESCRIPTIONS) as Capability[];

/** Everything a member of the organisation's board or staff reads; viewers hold exactly this. */
const READ_ALL: Capability[] = [
  "org:read",
  "members:read",
  "directory:read",
  "dues:read",
  "donations:read",
  "welfare:read",
  "programs:read",
  "beneficiaries:read",
];

/** A club member's own slice: their profile, their dues, the opted-in directory. */
const OWN_SLICE: Capability[] = ["profile:own", "dues:own", "directory:read", "donations:give"];

const ADMIN: Capability[] = [
  ...READ_ALL,
  ...OWN_SLICE,
  "org:manage",
  "roles:manage",
  "audit:read",
  "members:write",
  "dues:collect",
  "donations:write",
  "welfare:write",
  "welfare:notes",
  "programs:write",
  "locations:write",
  "beneficiaries:write",
  "batches:manage",
];

export const ROLE_CAPABILITIES: Record<RoleName, readonly Capability[]> = {
  // Only owners pay, close the organisation, let support in and hear from the platform.
  OWNER: [...ADMIN, "billing:manage", "org:delete", "support:grant", "notices:receive", "retention:manage"],
  ADMIN,
  // The club's money and welfare; the approval of disbursements is theirs alone.
  TREASURER: [
    "org:read",
    ...OWN_SLICE,
    "members:read",
    "members:write",
    "dues:read",
    "dues:collect",
    "donations:read",
    "donations:write",
    "welfare:read",
    "welfare:write",
    "welfare:approve",
    "welfare:notes",
  ],
  PROGRAM_MANAGER: ["org:read", "programs:read", "locations:write", "beneficiaries:read", "beneficiaries:write", "batches:manage"],
  LOCATION_ADMIN: ["org:read", "programs:read", "beneficiaries:read", "beneficiaries:write", "batches:manage"],
  FIELD_MANAGER: ["org:read", "programs:read", "beneficiaries:read", "beneficiaries:write"],
  MEMBER: ["org:read", ...OWN_SLICE],
  VIEWER: READ_ALL,
};

/**
 * People who are not members of the organisation they look at. A district
 * admin reads aggregates across the district's clubs; a platform admin runs
 * the platform and sees no tenant data, except the `SUPPORT_ACCESS` slice
 * while an owner's support grant is live.
 */
export const PLATFORM_PRINCIPALS = ["DISTRICT_ADMIN", "PLATFORM_ADMIN"] as const;
export type PlatformPrincipal = (typeof PLATFORM_PRINCIPALS)[number];

export const PLATFORM_CAPABILITIES: Record<PlatformPrincipal, readonly Capability[]> = {
  DISTRICT_ADMIN: ["district:report"],
  PLATFORM_ADMIN: ["platform:organizations", "platform:suspend", "platform:notices", "platform:provision", "platform:keys"],
};

/**
 * Payment providers acting on their own evidence: a verified webhook or a
 * status query. No person holds their capability, so no form can settle a
 * payment as if a provider had confirmed it.
 */
export const PROVIDER_PRINCIPALS = ["STRIPE", "MPESA"] as const;
export type ProviderPrincipal = (typeof PROVIDER_PRINCIPALS)[number];

export const PROVIDER_CAPABILITIES: Record<ProviderPrincipal, readonly Capability[]> = {
  STRIPE: ["payments:settle"],
  MPESA: ["payments:settle"],
};

/**
 * The platform principals a login holds, from its flags: `is_platform_admin`,
 * and the district a district admin is appointed to.
 */
export function platformCapabilitiesOf(user: { isPlatformAdmin: boolean; districtAdminOfId: string | null }): ReadonlySet<Capability> {
  const principals: PlatformPrincipal[] = [
    ...(user.isPlatformAdmin ? (["PLATFORM_ADMIN"] as const) : []),
    ...(user.districtAdminOfId ? (["DISTRICT_ADMIN"] as const) : []),
  ];
  return new Set(principals.flatMap((p) => PLATFORM_CAPABILITIES[p]));
}

/** What platform support may read in an organisation while the owner's grant is live. */
export const SUPPORT_ACCESS: readonly Capability[] = ["org:read", "members:read"];

/**
 * How far a role reaches into programs, locations and beneficiaries (promise
 * M4.3): the whole organisation, its assigned program or location, or only
 * the records it created itself. `lib/authz/scope.ts` turns this into filters.
 */
export type Reach = "organization" | "program" | "location" | "own";

export const ROLE_REACH: Record<RoleName, Reach> = {
  OWNER: "organization",
  ADMIN: "organization",
  TREASURER: "organization",
  PROGRAM_MANAGER: "program",
  LOCATION_ADMIN: "location",
  FIELD_MANAGER: "own",
  MEMBER: "organization",
  VIEWER: "organization",
};

/** The kind of unit a membership of this role is assigned to, if any. */
export function unitKindOf(role: RoleName): "program" | "location" | null {
  const reach = ROLE_REACH[role];
  if (reach === "program") return "program";
  // A field manager works at one location and sees what they registered there.
  return reach === "location" || reach === "own" ? "location" : null;
}

export function capabilitiesOf(role: RoleName): ReadonlySet<Capability> {
  return new Set(ROLE_CAPABILITIES[role]);
}

/** The roles holding a capability, e.g. to find who in an organisation receives a notice. */
export function rolesWith(capability: Capability): RoleName[] {
  return ROLES.filter((role) => ROLE_CAPABILITIES[role].includes(capability));
}

export function can(subject: { capabilities: ReadonlySet<Capability> }, capability: Capability): boolean {
  return subject.capabilities.has(capability);
}

/** The capabilities that control the organisation itself, rather than its records. */
const CONTROL: readonly Capability[] = ["org:manage", "org:delete", "roles:manage", "billing:manage", "support:grant", "audit:read", "notices:receive"];

/**
 * Whether a subject may give a role to someone, or take it away: only with
 * `roles:manage` and every controlling capability that role holds. So an
 * admin cannot make an owner, nor demote or remove one; an owner can do both.
 * (Record capabilities such as a treasurer's approvals do not count: managing
 * who holds a role is not exercising it.)
 */
export function mayAssignRole(subject: { capabilities: ReadonlySet<Capability> }, role: RoleName): boolean {
  return can(subject, "roles:manage") && ROLE_CAPABILITIES[role].filter((c) => CONTROL.includes(c)).every((c) => can(subject, c));
}

/**
 * Who must use a second factor before any page but enrolment (promise M3.6):
 * whoever holds a capability that can pay, close the organisation or let
 * support in (today: owners), and platform admins.
 */
const TWO_FACTOR_CAPABILITIES: readonly Capability[] = ["billing:manage", "org:delete", "support:grant"];

export function mustUseTwoFactor(subject: { capabilities: ReadonlySet<Capability> }, isPlatformAdmin: boolean): boolean {
  return isPlatformAdmin || TWO_FACTOR_CAPABILITIES.some((capability) => can(subject, capability));
}
