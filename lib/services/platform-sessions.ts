import { z } from "zod";
import type { IdentitySubject, SessionSubject } from "../authz/actor";
import { verifyPassword } from "../auth/passwords";
import { platformCapabilitiesOf } from "../authz/capabilities";
import { appDb } from "../db/clients";
import { invalidError, isAppError } from "../errors";
import { platformUserFields, type PlatformSession } from "../queries/sessions";
import { platformSignInInput } from "../schemas/platform-sessions";
import { defineIdentityMutation, defineRefusal } from "./identity-mutation";
import { createSession, revokeOwnSession } from "./sessions";

/**
 * Sessions on the apex host, for platform admins and district admins: the
 * same `session` table as an organisation's, with organization_id null, so a
 * tenant session never works here and an apex session never works on a
 * tenant host. Sign-ins and sign-outs are audited on the platform chain.
 */
export type PlatformVisitor = { ip: string | null; userAgent: string | null };

export const PLATFORM_SIGN_IN_REFUSED = "That email and password do not match a platform account.";

const openPlatformSession = defineIdentityMutation({
  action: "auth.platform_login",
  input: z.object({ userAgent: z.string().nullable() }),
  run: async (tx, { userAgent }, subject: IdentitySubject & { userId: string }) => {
    const sessionId = await createSession(tx, subject, userAgent);
    return { result: sessionId, audit: { summary: "Signed in to the platform", targetType: "Session", targetId: sessionId } };
  },
});

const recordPlatformLoginFailure = defineRefusal("auth.platform_login_failed", "Platform sign-in failed", "account");

/** A new apex session for a platform or district admin; anyone else is refused (INVALID), the refusal audited. */
export async function signInToPlatform(visitor: PlatformVisitor, raw: unknown): Promise<PlatformSession> {
  const parsed = platformSignInInput.safeParse(raw);
  if (!parsed.success) throw invalidError(PLATFORM_SIGN_IN_REFUSED);
  const email = parsed.data.email.trim().toLowerCase();
  const found = await appDb().user.findUnique({ where: { email }, select: { ...platformUserFields, passwordHash: true } });
  const passwordOk = await verifyPassword(found?.passwordHash ?? null, parsed.data.password);
  // A member of an organisation, however senior, is no one here (promise M4.5).
  if (!found || !passwordOk || platformCapabilitiesOf(found).size === 0) {
    await recordPlatformLoginFailure({ organizationId: null, userId: found?.id ?? null, label: found ? email : "unknown account", ip: visitor.ip }, {});
    throw invalidError(PLATFORM_SIGN_IN_REFUSED);
  }
  const sessionId = await openPlatformSession({ organizationId: null, userId: found.id, label: email, ip: visitor.ip }, { userAgent: visitor.userAgent });
  const { id, name, isPlatformAdmin, districtAdminOfId, totpEnabledAt } = found;
  return { sessionId, user: { id, email: found.email, name, isPlatformAdmin, districtAdminOfId, twoFactorEnabled: totpEnabledAt !== null }, secondFactorDone: false };
}

export const endPlatformSession = defineIdentityMutation({
  action: "auth.platform_logout",
  input: z.object({}),
  run: async (tx, _input, subject: SessionSubject & { organizationId: null }) => {
    await revokeOwnSession(tx, subject);
    return { result: null, audit: { summary: "Signed out of the platform", targetType: "Session", targetId: subject.sessionId } };
  },
});

/** Signing out on the apex: ends the session if there is a live one; signing out twice is no error. */
export async function leavePlatform(subject: (SessionSubject & { organizationId: null }) | null): Promise<void> {
  if (!subject) return;
  try {
    await endPlatformSession(subject, {});
  } catch (error) {
    if (!isAppError(error, "NOT_FOUND")) throw error;
  }
}
