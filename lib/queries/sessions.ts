import type { RoleName } from "../authz/capabilities";
import { platformCapabilitiesOf } from "../authz/capabilities";
import { appDb } from "../db/clients";
import { withTenant } from "../db/tenant";
import { env } from "../env";
import type { Unit } from "../authz/scope";
import { UNIT_FIELDS, unitOf } from "./units";

/**
 * Whether a session id from the cookie is still good, and whose it is: not
 * revoked, not idle, not past its cap, and of this side (an organisation's,
 * or the apex's). Reading it moves its idle clock, at most once a minute: a
 * write on every page view would make each one a write. That touch is the
 * session's own bookkeeping, not a change anyone makes, so it is not audited.
 */
const TOUCH_AFTER_MS = 60_000;

type SessionTimes = { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date };

function live(session: SessionTimes, now: number): boolean {
  return !session.revokedAt && session.expiresAt.getTime() > now && session.lastSeenAt.getTime() + env().SESSION_IDLE_MINUTES * 60_000 > now;
}

const due = (session: SessionTimes, now: number) => now - session.lastSeenAt.getTime() > TOUCH_AFTER_MS;

export type ActiveSession = {
  sessionId: string;
  user: { id: string; email: string; name: string; isPlatformAdmin: boolean; twoFactorEnabled: boolean };
  role: RoleName;
  /** The program or location the membership is assigned to, read in the same transaction as the role. */
  unit: Unit | null;
  /** Whether this session has passed the second factor (or enrolled in it). */
  secondFactorDone: boolean;
};

/** The session's user and role in this organisation, or null when the session is no longer good here. */
export async function resolveSession(sessionId: string, organizationId: string): Promise<ActiveSession | null> {
  const now = Date.now();
  return withTenant(organizationId, async (tx) => {
    const session = await tx.session.findUnique({
      where: { id: sessionId },
      select: {
        id: true,
        organizationId: true,
        revokedAt: true,
        expiresAt: true,
        lastSeenAt: true,
        secondFactorAt: true,
        user: { select: { id: true, email: true, name: true, isPlatformAdmin: true, totpEnabledAt: true } },
      },
    });
    if (!session || session.organizationId !== organizationId || !live(session, now)) return null;
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId: session.user.id } },
      select: { role: true, ...UNIT_FIELDS },
    });
    if (!membership) return null;
    if (due(session, now)) await tx.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
    const { totpEnabledAt, ...user } = session.user;
    return {
      sessionId: session.id,
      user: { ...user, twoFactorEnabled: totpEnabledAt !== null },
      role: membership.role,
      unit: await unitOf(tx, membership),
      secondFactorDone: session.secondFactorAt !== null,
    };
  });
}

export type PlatformUser = { id: string; email: string; name: string; isPlatformAdmin: boolean; districtAdminOfId: string | null; twoFactorEnabled: boolean };

/** An apex session and whether it has passed its second factor (a code, a recovery code or enrolment). */
export type PlatformSession = { sessionId: string; user: PlatformUser; secondFactorDone: boolean };

export const platformUserFields = { id: true, email: true, name: true, isPlatformAdmin: true, districtAdminOfId: true, totpEnabledAt: true } as const;

/** The apex session's user, or null when the session is gone, idle, expired, an organisation's, or its user holds no platform role. */
export async function resolvePlatformSession(sessionId: string): Promise<PlatformSession | null> {
  const now = Date.now();
  const session = await appDb().session.findUnique({
    where: { id: sessionId },
    select: { id: true, organizationId: true, revokedAt: true, expiresAt: true, lastSeenAt: true, secondFactorAt: true, user: { select: platformUserFields } },
  });
  if (!session || session.organizationId !== null || !live(session, now) || platformCapabilitiesOf(session.user).size === 0) return null;
  if (due(session, now)) await appDb().session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  const { totpEnabledAt, ...user } = session.user;
  return { sessionId: session.id, user: { ...user, twoFactorEnabled: totpEnabledAt !== null }, secondFactorDone: session.secondFactorAt !== null };
}

/** One's own live sessions in this organisation, newest first, and the sign-in before the current one. */
export async function ownSessions(organizationId: string, userId: string, currentSessionId: string) {
  return withTenant(organizationId, async (tx) => {
    const sessions = await tx.session.findMany({
      where: { organizationId, userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, ip: true, userAgent: true, createdAt: true, lastSeenAt: true },
    });
    const current = await tx.session.findUnique({ where: { id: currentSessionId }, select: { createdAt: true } });
    // "Last sign-in": the previous session this person opened here, live or not.
    const previous = current
      ? await tx.session.findFirst({
          where: { organizationId, userId, createdAt: { lt: current.createdAt } },
          orderBy: { createdAt: "desc" },
          select: { createdAt: true, ip: true },
        })
      : null;
    return { sessions: sessions.map((s) => ({ ...s, current: s.id === currentSessionId })), previous };
  });
}
