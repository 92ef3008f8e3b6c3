import type { Capability, RoleName } from "../authz/capabilities";
import { capabilitiesOf } from "../authz/capabilities";
import type { Unit } from "../authz/scope";

/**
 * Who is acting, in which organisation, from where: everything a service needs
 * to authorize, scope and audit. Built from the request by `lib/context`, or
 * directly by jobs, webhooks, seeds and tests.
 */
export type Actor = {
  organizationId: string;
  userId: string | null;
  label: string;
  role: RoleName | null;
  capabilities: ReadonlySet<Capability>;
  ip: string | null;
  /** The program or location the membership is assigned to; bounds `scope()`. */
  unit?: Unit | null;
};

export function memberActor(input: {
  organizationId: string;
  userId: string;
  email: string;
  role: RoleName;
  ip: string | null;
  unit?: Unit | null;
}): Actor {
  return {
    organizationId: input.organizationId,
    userId: input.userId,
    label: input.email,
    role: input.role,
    capabilities: capabilitiesOf(input.role),
    ip: input.ip,
    unit: input.unit ?? null,
  };
}

/** A non-human actor (webhook, job) holding exactly the capabilities it is given. */
export function systemActor(organizationId: string, label: string, capabilities: Capability[]): Actor {
  return { organizationId, userId: null, label, role: null, capabilities: new Set(capabilities), ip: null };
}
