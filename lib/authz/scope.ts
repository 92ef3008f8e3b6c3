import type { ResourceWhere } from "../db/where";
import { notFoundError } from "../errors";
import { can, ROLE_REACH, type Capability, type Reach, type RoleName } from "./capabilities";

/**
 * List scoping by role (promise M4.3), in one place: every list and every
 * object fetch of a scoped resource filters with `scope(actor, resource)`.
 * A field manager reaches the records they created, a location admin their
 * location's, a program manager their program's, everyone else with the read
 * capability the whole organisation. Without the read capability the answer
 * is not-found (promise M4.4); with it but without an assigned unit, nothing.
 */
export type Resource = keyof ResourceWhere;

export const RESOURCES: Record<Resource, { read: Capability; label: string }> = {
  member: { read: "members:read", label: "Member" },
  program: { read: "programs:read", label: "Program" },
  location: { read: "programs:read", label: "Location" },
  beneficiary: { read: "beneficiaries:read", label: "Beneficiary" },
  batch: { read: "batches:manage", label: "Beneficiary batch" },
  duesPlan: { read: "dues:read", label: "Dues plan" },
  duesInvoice: { read: "dues:read", label: "Dues invoice" },
  donor: { read: "donations:read", label: "Donor" },
  donorReceipt: { read: "donations:read", label: "Donor receipt" },
  welfareCase: { read: "welfare:read", label: "Welfare case" },
  welfareDisbursement: { read: "welfare:read", label: "Welfare disbursement" },
};

/** Resources everyone who may read them reads organisation-wide, whatever their unit. */
const ORGANIZATION_WIDE: readonly Resource[] = ["member", "duesPlan", "duesInvoice", "donor", "donorReceipt", "welfareCase", "welfareDisbursement"];

/**
 * The unit a membership is assigned to: a program (locationId null) or one
 * location of a program. Built by lib/context from the membership.
 */
export type Unit = { programId: string; locationId: string | null };

export type ScopeSubject = {
  organizationId: string;
  userId: string | null;
  role: RoleName | null;
  capabilities: ReadonlySet<Capability>;
  unit?: Unit | null;
};

/** Facts about one object, enough to decide whether a subject reaches it. */
export type ObjectFacts = {
  organizationId: string;
  programId?: string | null;
  locationId?: string | null;
  createdById?: string | null;
};

/** Jobs and webhooks (no role) act for the whole organisation, within their capabilities. */
const reachOf = (subject: ScopeSubject): Reach => (subject.role ? ROLE_REACH[subject.role] : "organization");

/**
 * The unit that bounds this subject, or null when it has none of the kind its
 * reach needs (a stale or missing assignment reaches nothing: fail closed).
 */
function boundingUnit(subject: ScopeSubject, reach: Reach): Unit | null {
  const unit = subject.unit ?? null;
  if (!unit) return null;
  if (reach === "program") return unit.locationId === null ? unit : null;
  return unit.locationId !== null ? unit : null;
}

const NOTHING = { id: { in: [] as string[] } };

type UnitResource = Exclude<Resource, "member" | "duesPlan" | "duesInvoice" | "donor" | "donorReceipt" | "welfareCase" | "welfareDisbursement">;
type Builders = { [R in UnitResource]: (subject: ScopeSubject, unit: Unit, reach: Reach) => ResourceWhere[R] };

// Only for unit-bounded reaches; the member register, the dues and welfare are organisation-wide for everyone who may read them.
const builders: Builders = {
  program: (_s, unit) => ({ id: unit.programId }),
  location: (_s, unit, reach) => (reach === "program" ? { programId: unit.programId } : { id: unit.locationId! }),
  beneficiary: (s, unit, reach) => {
    if (reach === "program") return { location: { programId: unit.programId } };
    if (reach === "location") return { locationId: unit.locationId! };
    return s.userId ? { createdById: s.userId } : NOTHING;
  },
  batch: (s, unit, reach) => {
    if (reach === "program") return { programId: unit.programId };
    if (reach === "location") return { locationId: unit.locationId! };
    return s.userId ? { uploadedById: s.userId } : NOTHING;
  },
};

/**
 * The where-clause for what `subject` may see of `resource`. It names the
 * tenant too, so a query is filtered by code as well as by RLS.
 */
export function scope<R extends Resource>(subject: ScopeSubject, resource: R): ResourceWhere[R] {
  if (!can(subject, RESOURCES[resource].read)) throw notFoundError();
  const tenant = { organizationId: subject.organizationId };
  const reach = reachOf(subject);
  if (reach === "organization" || ORGANIZATION_WIDE.includes(resource)) return tenant as ResourceWhere[R];
  const unit = boundingUnit(subject, reach);
  return { AND: [tenant, unit ? builders[resource as UnitResource](subject, unit, reach) : NOTHING] } as ResourceWhere[R];
}

/**
 * The same rule as a predicate over one object's facts: what the isolation
 * matrix and the tests expect `scope` to let through.
 */
export function reaches(subject: ScopeSubject, resource: Resource, object: ObjectFacts): boolean {
  if (!can(subject, RESOURCES[resource].read) || object.organizationId !== subject.organizationId) return false;
  const reach = reachOf(subject);
  if (reach === "organization" || ORGANIZATION_WIDE.includes(resource)) return true;
  const unit = boundingUnit(subject, reach);
  if (!unit) return false;
  if (resource === "program") return object.programId === unit.programId;
  if (reach === "program") return object.programId === unit.programId;
  if (resource === "location" || reach === "location") return object.locationId === unit.locationId;
  return subject.userId !== null && object.createdById === subject.userId;
}
