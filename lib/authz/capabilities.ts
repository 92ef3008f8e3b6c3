/**
 * The one role → capability table. Code asks `can(actor, "members:write")`;
 * role names are compared nowhere else (enforced by lint, promise M4.1).
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

export const CAPABILITIES = [
  "org:read",
  "org:manage",
  "org:delete",
  "roles:manage",
  "billing:manage",
  "audit:read",
  "members:read",
  "members:write",
  "directory:read",
  "dues:read",
  "dues:collect",
  "donations:read",
  "donations:write",
  "welfare:read",
  "welfare:write",
  "welfare:approve",
  "programs:read",
  "programs:write",
  "beneficiaries:read",
  "beneficiaries:write",
  "batches:manage",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

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

const ADMIN: Capability[] = [
  ...READ_ALL,
  "org:manage",
  "roles:manage",
  "audit:read",
  "members:write",
  "dues:collect",
  "donations:write",
  "welfare:write",
  "programs:write",
  "beneficiaries:write",
  "batches:manage",
];

export const ROLE_CAPABILITIES: Record<RoleName, readonly Capability[]> = {
  OWNER: [...ADMIN, "billing:manage", "org:delete"],
  ADMIN,
  TREASURER: [...READ_ALL, "members:write", "dues:collect", "donations:write", "welfare:write", "welfare:approve"],
  PROGRAM_MANAGER: [...READ_ALL, "programs:write", "beneficiaries:write", "batches:manage"],
  LOCATION_ADMIN: ["org:read", "programs:read", "beneficiaries:read", "beneficiaries:write", "batches:manage"],
  FIELD_MANAGER: ["org:read", "programs:read", "beneficiaries:read", "beneficiaries:write"],
  MEMBER: ["org:read", "directory:read"],
  VIEWER: READ_ALL,
};

export function capabilitiesOf(role: RoleName): ReadonlySet<Capability> {
  return new Set(ROLE_CAPABILITIES[role]);
}

export function can(subject: { capabilities: ReadonlySet<Capability> }, capability: Capability): boolean {
  return subject.capabilities.has(capability);
}
