import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { auth } from "./auth";
import { can, mustUseTwoFactor } from "../authz/capabilities";
import { env } from "../env";
import { CLIENT_IP_HEADER } from "../security/client-ip";
import { resolvePlatformSession, type PlatformSession } from "../queries/sessions";
import { parseHost } from "../tenancy/host";
import { platformActor, type PlatformActor, type SessionSubject } from "../authz/actor";

/**
 * The apex host's request: the platform session (organization_id null) and
 * the platform actor it makes, if any. Any other host is not found, whatever
 * the middleware did (it already 404s /admin on tenant hosts).
 */
export type PlatformRequest = {
  ip: string | null;
  userAgent: string | null;
  session: PlatformSession | null;
  actor: PlatformActor | null;
};

export const platformRequest = cache(async (): Promise<PlatformRequest> => {
  const h = await headers();
  if (parseHost(h.get("host"), env().APP_ROOT_DOMAIN).kind !== "apex") notFound();
  const ip = h.get(CLIENT_IP_HEADER);
  const sessionId = (await auth())?.sessionId;
  const session = sessionId ? await resolvePlatformSession(sessionId) : null;
  return { ip, userAgent: h.get("user-agent"), session, actor: session ? platformActor(session.user, ip) : null };
});

export type SignedInPlatformRequest = PlatformRequest & { session: NonNullable<PlatformRequest["session"]>; actor: PlatformActor };

/**
 * A signed-in platform admin whatever their second factor: the apex
 * enrolment and check pages only. The 404 page for everyone else.
 */
export function requirePlatformAdminSession(request: PlatformRequest): SignedInPlatformRequest {
  if (!request.session || !request.actor || !can(request.actor, "platform:organizations")) notFound();
  return request as SignedInPlatformRequest;
}

/**
 * The one gate of /admin (promise M4.5): a signed-in platform admin past the
 * second factor, or the 404 page for everyone else — signed out, district
 * admins and every organisation's members alike, so /admin does not even
 * admit it exists. A platform admin must use two-factor (M3.6,
 * `mustUseTwoFactor`): without it enrolled they are sent to enrol, with it
 * but not yet checked in this session, to the check — nothing under /admin
 * answers a password alone.
 */
export function requirePlatformAdmin(request: PlatformRequest): SignedInPlatformRequest {
  const signedIn = requirePlatformAdminSession(request);
  if (mustUseTwoFactor(signedIn.actor, signedIn.session.user.isPlatformAdmin) && !signedIn.session.user.twoFactorEnabled) redirect("/two-factor/setup");
  if (!signedIn.session.secondFactorDone) redirect("/two-factor/verify");
  return signedIn;
}

/** The district report's gate: a signed-in district admin, or the 404 page. */
export function requireDistrictAdmin(request: PlatformRequest): SignedInPlatformRequest {
  if (!request.session || !request.actor || !can(request.actor, "district:report")) notFound();
  return request as SignedInPlatformRequest;
}

/** A platform admin's own apex session: its changes are audited on the platform chain. */
export const platformSessionSubjectOf = ({ session, actor }: SignedInPlatformRequest): SessionSubject & { organizationId: null } => ({
  organizationId: null,
  userId: session.user.id,
  sessionId: session.sessionId,
  label: actor.label,
  ip: actor.ip,
});

/* Who an apex server action acts as (lib/actions/form-action.ts). */
export const currentPlatformAdmin = async (): Promise<PlatformActor> => requirePlatformAdmin(await platformRequest()).actor;
/** A platform admin before their second factor is enrolled or passed. */
export const platformAdminSession = async () => platformSessionSubjectOf(requirePlatformAdminSession(await platformRequest()));
/** Whoever is on the apex, signed in or not. */
export const platformVisitor = async (): Promise<{ ip: string | null; userAgent: string | null }> => {
  const { ip, userAgent } = await platformRequest();
  return { ip, userAgent };
};
/** The apex session of whoever is signed in here (platform or district admin), or null. */
export const apexSession = async () => {
  const request = await platformRequest();
  return request.session && request.actor ? platformSessionSubjectOf(request as SignedInPlatformRequest) : null;
};
