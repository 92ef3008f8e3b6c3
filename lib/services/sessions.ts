import { appDb } from "../db/clients";
import { withTenant } from "../db/tenant";
import { appendAudit } from "../audit/append";
import { verifyPassword } from "../auth/passwords";
import { env } from "../env";
import type { RoleName } from "../authz/capabilities";
import type { TenantTx } from "../db/tenant";
import { notFoundError } from "../errors";

/**
 * Server-side sessions. The cookie holds only a session id; this row decides
 * whether it is still good (revoked, idle, past its absolute cap, other host).
 */
export type SignInAttempt = {
  organizationId: string;
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
};

export async function signInWithPassword(attempt: SignInAttempt): Promise<{ userId: string; sessionId: string } | null> {
  const email = attempt.email.trim().toLowerCase();
  const user = await appDb().user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, attempt.password);
  const now = new Date();
  return withTenant(attempt.organizationId, async (tx) => {
    const membership =
      user && passwordOk
        ? await tx.membership.findUnique({
            where: { organizationId_userId: { organizationId: attempt.organizationId, userId: user.id } },
            select: { id: true },
          })
        : null;
    const actor = { id: user?.id ?? null, label: user ? email : "unknown account", ip: attempt.ip };
    if (!user || !membership) {
      await appendAudit(tx, attempt.organizationId, actor, {
        action: "auth.login_failed",
        summary: "Sign-in failed",
        targetType: "User",
        targetId: user?.id ?? null,
      });
      return null;
    }
    const session = await tx.session.create({
      data: {
        userId: user.id,
        organizationId: attempt.organizationId,
        ip: attempt.ip,
        userAgent: attempt.userAgent?.slice(0, 300) ?? null,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + env().SESSION_MAX_HOURS * 3_600_000),
      },
      select: { id: true },
    });
    await appendAudit(tx, attempt.organizationId, actor, {
      action: "auth.login",
      summary: "Signed in",
      targetType: "Session",
      targetId: session.id,
    });
    return { userId: user.id, sessionId: session.id };
  });
}

export type ActiveSession = {
  sessionId: string;
  user: { id: string; email: string; name: string; isPlatformAdmin: boolean; twoFactorEnabled: boolean };
  role: RoleName;
  /** Whether this session has passed the second factor (or enrolled in it). */
  secondFactorDone: boolean;
};

// Writing last_seen_at on every request would make each page view a write.
const TOUCH_AFTER_MS = 60_000;

/** The session's user and role in this organisation, or null when the session is no longer good here. */
export async function resolveSession(sessionId: string, organizationId: string): Promise<ActiveSession | null> {
  const now = Date.now();
  const idleMs = env().SESSION_IDLE_MINUTES * 60_000;
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
    if (
      !session ||
      session.organizationId !== organizationId ||
      session.revokedAt ||
      session.expiresAt.getTime() <= now ||
      session.lastSeenAt.getTime() + idleMs <= now
    ) {
      return null;
    }
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId, userId: session.user.id } },
      select: { role: true },
    });
    if (!membership) return null;
    if (now - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await tx.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
    }
    const { totpEnabledAt, ...user } = session.user;
    return {
      sessionId: session.id,
      user: { ...user, twoFactorEnabled: totpEnabledAt !== null },
      role: membership.role,
      secondFactorDone: session.secondFactorAt !== null,
    };
  });
}

export async function endSession(
  sessionId: string,
  organizationId: string,
  actor: { id: string; label: string; ip: string | null },
): Promise<void> {
  await withTenant(organizationId, async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { id: sessionId, organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) return;
    await appendAudit(tx, organizationId, actor, {
      action: "auth.logout",
      summary: "Signed out",
      targetType: "Session",
      targetId: sessionId,
    });
  });
}

/**
 * Ends every live session of a user, in every organisation (the session table
 * has no RLS), except `keep`: after a password change or reset, and when a
 * person is removed from an organisation. Returns how many ended.
 */
export async function endSessionsOfUser(tx: TenantTx, userId: string, keep?: string): Promise<number> {
  const { count } = await tx.session.updateMany({
    where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
    data: { revokedAt: new Date() },
  });
  return count;
}

/**
 * "Your sessions": ends one of one's own sessions in this organisation, or
 * with no id every other one. Someone else's session is not found (M4.4).
 */
export async function endOwnSessions(
  current: { sessionId: string; userId: string; organizationId: string },
  actor: { id: string; label: string; ip: string | null },
  sessionId: string | null,
): Promise<number> {
  return withTenant(current.organizationId, async (tx) => {
    const where = sessionId
      ? { id: sessionId, userId: current.userId, organizationId: current.organizationId, revokedAt: null }
      : { userId: current.userId, organizationId: current.organizationId, revokedAt: null, id: { not: current.sessionId } };
    const { count } = await tx.session.updateMany({ where, data: { revokedAt: new Date() } });
    if (sessionId && count === 0) throw notFoundError();
    await appendAudit(tx, current.organizationId, actor, {
      action: "auth.sessions_ended",
      summary: sessionId ? "Ended one of their sessions" : `Ended their other sessions (${count})`,
      targetType: "Session",
      targetId: sessionId,
    });
    return count;
  });
}

/** Marks the session as past its second factor (after a code, a recovery code or enrolment). */
export async function completeSecondFactor(tx: TenantTx, sessionId: string): Promise<void> {
  await tx.session.update({ where: { id: sessionId }, data: { secondFactorAt: new Date() } });
}
