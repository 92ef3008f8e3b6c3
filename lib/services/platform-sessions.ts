import { appendAudit } from "../audit/append";
import { verifyPassword } from "../auth/passwords";
import { platformCapabilitiesOf } from "../authz/capabilities";
import { appDb } from "../db/clients";
import { withPlatform } from "../db/platform";
import { env } from "../env";

/**
 * Sessions on the apex host, for platform admins and district admins: the
 * same `session` table as an organisation's, with organization_id null, so a
 * tenant session never works here and an apex session never works on a
 * tenant host. Sign-ins and sign-outs are audited on the platform chain.
 */
export type PlatformSignInAttempt = { email: string; password: string; ip: string | null; userAgent: string | null };

export type PlatformUser = { id: string; email: string; name: string; isPlatformAdmin: boolean; districtAdminOfId: string | null; twoFactorEnabled: boolean };

/** An apex session and whether it has passed its second factor (a code, a recovery code or enrolment). */
export type PlatformSession = { sessionId: string; user: PlatformUser; secondFactorDone: boolean };

const userFields = { id: true, email: true, name: true, isPlatformAdmin: true, districtAdminOfId: true, totpEnabledAt: true } as const;

export async function signInToPlatform(attempt: PlatformSignInAttempt): Promise<PlatformSession | null> {
  const email = attempt.email.trim().toLowerCase();
  const found = await appDb().user.findUnique({ where: { email }, select: { ...userFields, passwordHash: true } });
  const passwordOk = await verifyPassword(found?.passwordHash ?? null, attempt.password);
  const now = new Date();
  return withPlatform(async (tx) => {
    const actor = { id: found?.id ?? null, label: found ? email : "unknown account", ip: attempt.ip };
    // A member of an organisation, however senior, is no one here (promise M4.5).
    if (!found || !passwordOk || platformCapabilitiesOf(found).size === 0) {
      await appendAudit(tx, null, actor, { action: "auth.platform_login_failed", summary: "Platform sign-in failed", targetType: "User", targetId: found?.id ?? null });
      return null;
    }
    const session = await tx.session.create({
      data: {
        userId: found.id,
        organizationId: null,
        ip: attempt.ip,
        userAgent: attempt.userAgent?.slice(0, 300) ?? null,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + env().SESSION_MAX_HOURS * 3_600_000),
      },
      select: { id: true },
    });
    await appendAudit(tx, null, actor, { action: "auth.platform_login", summary: "Signed in to the platform", targetType: "Session", targetId: session.id });
    const { id, name, isPlatformAdmin, districtAdminOfId, totpEnabledAt } = found;
    return { sessionId: session.id, user: { id, email: found.email, name, isPlatformAdmin, districtAdminOfId, twoFactorEnabled: totpEnabledAt !== null }, secondFactorDone: false };
  });
}

const TOUCH_AFTER_MS = 60_000;

/** The apex session's user, or null when the session is gone, idle, expired, an organisation's, or its user holds no platform role. */
export async function resolvePlatformSession(sessionId: string): Promise<PlatformSession | null> {
  const now = Date.now();
  const session = await appDb().session.findUnique({
    where: { id: sessionId },
    select: { id: true, organizationId: true, revokedAt: true, expiresAt: true, lastSeenAt: true, secondFactorAt: true, user: { select: userFields } },
  });
  if (
    !session ||
    session.organizationId !== null ||
    session.revokedAt ||
    session.expiresAt.getTime() <= now ||
    session.lastSeenAt.getTime() + env().SESSION_IDLE_MINUTES * 60_000 <= now ||
    platformCapabilitiesOf(session.user).size === 0
  ) {
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await appDb().session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  }
  const { totpEnabledAt, ...user } = session.user;
  return { sessionId: session.id, user: { ...user, twoFactorEnabled: totpEnabledAt !== null }, secondFactorDone: session.secondFactorAt !== null };
}

export async function endPlatformSession(sessionId: string, actor: { id: string; label: string; ip: string | null }): Promise<void> {
  await withPlatform(async (tx) => {
    const { count } = await tx.session.updateMany({ where: { id: sessionId, organizationId: null, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return;
    await appendAudit(tx, null, actor, { action: "auth.platform_logout", summary: "Signed out of the platform", targetType: "Session", targetId: sessionId });
  });
}
