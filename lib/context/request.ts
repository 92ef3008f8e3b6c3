import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { env } from "../env";
import { parseHost } from "../tenancy/host";
import { CLIENT_IP_HEADER } from "../security/client-ip";
import { findOrganizationBySlug, type OrganizationSummary } from "../queries/organizations";
import { resolveSession, type ActiveSession } from "../queries/sessions";
import { auth } from "./auth";
import { mustUseTwoFactor } from "../authz/capabilities";
import { memberActor, type Actor, type SessionSubject } from "../authz/actor";
import { acceptRequestId, REQUEST_ID_HEADER } from "./request-id";

/**
 * Everything about the current request, resolved once (React cache): the
 * organisation from the Host header (never from the path, query or a cookie),
 * the session, the membership and its capabilities, and the client IP.
 */
export type TenantRequest = {
  org: OrganizationSummary;
  ip: string | null;
  userAgent: string | null;
  session: ActiveSession | null;
};

export const tenantRequest = cache(async (): Promise<TenantRequest> => {
  const h = await headers();
  const site = parseHost(h.get("host"), env().APP_ROOT_DOMAIN);
  if (site.kind !== "tenant") notFound();
  const org = await findOrganizationBySlug(site.slug);
  if (!org) notFound();
  const authSession = await auth();
  const sessionId = authSession?.sessionId;
  const session = sessionId ? await resolveSession(sessionId, org.id) : null;
  return { org, ip: h.get(CLIENT_IP_HEADER), userAgent: h.get("user-agent"), session };
});

export type MemberRequest = TenantRequest & { session: ActiveSession; actor: Actor };

/**
 * The signed-in member, second factor settled: a session of a person with
 * two-factor on must pass it first, and a person who must use it (owners,
 * platform admins — lib/authz `mustUseTwoFactor`) must enrol before any page.
 */
export const memberRequest = cache(async (): Promise<MemberRequest> => {
  const request = await secondFactorRequest();
  if (mustUseTwoFactor(request.actor, request.session.user.isPlatformAdmin) && !request.session.user.twoFactorEnabled) redirect("/two-factor/setup");
  return request;
});

/** The signed-in member, whose session has passed two-factor when it is on; for enrolment itself. */
export const secondFactorRequest = cache(async (): Promise<MemberRequest> => {
  const request = await signedInRequest();
  if (request.session.user.twoFactorEnabled && !request.session.secondFactorDone) redirect("/two-factor/verify");
  return request;
});

/**
 * The signed-in member of this organisation, with the unit their membership
 * is assigned to; otherwise the login page. A suspended organisation's people
 * get the suspended page instead of anything in the app, actions included.
 */
export const signedInRequest = cache(async (): Promise<MemberRequest> => {
  const request = await tenantRequest();
  if (request.org.status === "SUSPENDED") redirect("/suspended");
  if (!request.session) redirect("/login");
  const actor = memberActor({
    organizationId: request.org.id,
    userId: request.session.user.id,
    email: request.session.user.email,
    role: request.session.role,
    ip: request.ip,
    unit: request.session.unit,
  });
  return { ...request, session: request.session, actor };
});

/** The signed-in member acting on their own session (sign-out, password, two-factor). */
export const sessionSubjectOf = ({ org, session, actor }: MemberRequest): SessionSubject => ({
  organizationId: org.id,
  userId: session.user.id,
  sessionId: session.sessionId,
  label: actor.label,
  ip: actor.ip,
});

/*
 * Who a server action acts as (lib/actions/form-action.ts takes one of these):
 * each resolves the request first and sends the signed-out to sign-in.
 */
export const currentMember = async (): Promise<Actor> => (await memberRequest()).actor;
export const currentMemberSession = async (): Promise<SessionSubject> => sessionSubjectOf(await memberRequest());
/** Before two-factor is enrolled (the enrolment page) or passed (the check). */
export const enrollingMemberSession = async (): Promise<SessionSubject> => sessionSubjectOf(await secondFactorRequest());
export const signingInMemberSession = async (): Promise<SessionSubject> => sessionSubjectOf(await signedInRequest());
/** Someone on the organisation's host, signed in or not. */
export const tenantVisitor = async (): Promise<{ organizationId: string; ip: string | null }> => {
  const { org, ip } = await tenantRequest();
  return { organizationId: org.id, ip };
};

/** This request's id as middleware stamped it (lib/context/request-id.ts), for code Next calls directly: actions, pages. */
export const thisRequestId = cache(async (): Promise<string> => acceptRequestId((await headers()).get(REQUEST_ID_HEADER)));
