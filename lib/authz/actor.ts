import type { Capability, RoleName } from "./capabilities";
import { capabilitiesOf, platformCapabilitiesOf, SUPPORT_ACCESS } from "./capabilities";
import type { Unit } from "./scope";

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

/**
 * Someone acting on the platform itself, on the apex host: a platform admin
 * or a district admin. Not a member of any organisation; reaches tenant data
 * only as a `supportActor` while an owner's grant is live.
 */
export type PlatformActor = {
  userId: string;
  label: string;
  capabilities: ReadonlySet<Capability>;
  ip: string | null;
  /** The district whose aggregate report a district admin reads. */
  districtId: string | null;
};

export function platformActor(
  user: { id: string; email: string; isPlatformAdmin: boolean; districtAdminOfId: string | null },
  ip: string | null,
): PlatformActor {
  return { userId: user.id, label: user.email, capabilities: platformCapabilitiesOf(user), ip, districtId: user.districtAdminOfId };
}

/** Platform support inside one organisation: exactly the support slice, for the whole organisation. */
export function supportActor(admin: PlatformActor, organizationId: string): Actor {
  return {
    organizationId,
    userId: admin.userId,
    label: `platform support (${admin.label})`,
    role: null,
    capabilities: new Set(SUPPORT_ACCESS),
    ip: admin.ip,
  };
}

/**
 * Someone changing their own login (signing in or out, two-factor, their
 * password), on one side: an organisation's, or the platform's (null) on the
 * apex. Before sign-in succeeds the user may be unknown (null).
 */
export type IdentitySubject = { organizationId: string | null; userId: string | null; label: string; ip: string | null };

/** A signed-in person acting on their own session. */
export type SessionSubject = IdentitySubject & { userId: string; sessionId: string };

/** An operator command or the seed acting on the platform: exactly the platform capabilities it is given. */
export function platformSystemActor(label: string, capabilities: Capability[]): { userId: null; label: string; ip: null; capabilities: ReadonlySet<Capability> } {
  return { userId: null, label, ip: null, capabilities: new Set(capabilities) };
}
