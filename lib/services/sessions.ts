import { z } from "zod";
import type { IdentitySubject, SessionSubject } from "../authz/actor";
import { verifyPassword } from "../auth/passwords";
import { appDb } from "../db/clients";
import type { TenantTx } from "../db/tenant";
import { env } from "../env";
import { isAppError, notFoundError } from "../errors";
import { defineIdentityMutation, defineRefusal } from "./identity-mutation";

/**
 * Server-side sessions. The cookie holds only a session id; the row decides
 * whether it is still good (lib/queries/sessions.ts). Signing in, out, and
 * ending one's other sessions are identity mutations, audited on the side
 * the session belongs to.
 */
export type SignInAttempt = {
  organizationId: string;
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
};

const sessionInput = z.object({ userAgent: z.string().nullable() });

/** A new session row for the subject on its side (organization_id null on the apex). */
export async function createSession(tx: TenantTx, subject: IdentitySubject & { userId: string }, userAgent: string | null): Promise<string> {
  const now = new Date();
  const session = await tx.session.create({
    data: {
      userId: subject.userId,
      organizationId: subject.organizationId,
      ip: subject.ip,
      userAgent: userAgent?.slice(0, 300) ?? null,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + env().SESSION_MAX_HOURS * 3_600_000),
    },
    select: { id: true },
  });
  return session.id;
}

/** Opens a session for a person whose password checked out, if they are a member here (else not-found, nothing written). */
const openSession = defineIdentityMutation({
  action: "auth.login",
  input: sessionInput,
  run: async (tx, { userAgent }, subject: IdentitySubject & { organizationId: string; userId: string }) => {
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: subject.organizationId, userId: subject.userId } },
      select: { id: true },
    });
    if (!membership) throw notFoundError();
    const sessionId = await createSession(tx, subject, userAgent);
    return { result: sessionId, audit: { summary: "Signed in", targetType: "Session", targetId: sessionId } };
  },
});

const recordLoginFailure = defineRefusal("auth.login_failed", "Sign-in failed", "account");

/** The session of a member whose password checks out here; otherwise null, with the failure audited. */
export async function signInWithPassword(attempt: SignInAttempt): Promise<{ userId: string; sessionId: string } | null> {
  const email = attempt.email.trim().toLowerCase();
  const user = await appDb().user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, attempt.password);
  const subject = { organizationId: attempt.organizationId, userId: user?.id ?? null, label: user ? email : "unknown account", ip: attempt.ip };
  if (user && passwordOk) {
    try {
      return { userId: user.id, sessionId: await openSession({ ...subject, userId: user.id }, { userAgent: attempt.userAgent }) };
    } catch (error) {
      if (!isAppError(error, "NOT_FOUND")) throw error;
    }
  }
  await recordLoginFailure(subject, {});
  return null;
}

/** Revokes the subject's own live session on its side; not-found (nothing written) when it had already ended. */
export async function revokeOwnSession(tx: TenantTx, subject: SessionSubject): Promise<void> {
  const { count } = await tx.session.updateMany({
    where: { id: subject.sessionId, userId: subject.userId, organizationId: subject.organizationId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFoundError();
}

export const endSession = defineIdentityMutation({
  action: "auth.logout",
  input: z.object({}),
  run: async (tx, _input, subject: SessionSubject) => {
    await revokeOwnSession(tx, subject);
    return { result: null, audit: { summary: "Signed out", targetType: "Session", targetId: subject.sessionId } };
  },
});

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
 * "Your sessions": ends one of one's own sessions on this side (`sessionId`),
 * or without it every other one. Someone else's session is not found (M4.4).
 */
export const endOwnSessions = defineIdentityMutation({
  action: "auth.sessions_ended",
  input: z.object({ sessionId: z.union([z.uuid(), z.literal("")]).optional() }),
  run: async (tx, { sessionId }, subject: SessionSubject) => {
    const own = { userId: subject.userId, organizationId: subject.organizationId, revokedAt: null };
    const where = sessionId ? { ...own, id: sessionId } : { ...own, id: { not: subject.sessionId } };
    const { count } = await tx.session.updateMany({ where, data: { revokedAt: new Date() } });
    if (sessionId && count === 0) throw notFoundError();
    return {
      result: count,
      audit: {
        summary: sessionId ? "Ended one of their sessions" : `Ended their other sessions (${count})`,
        targetType: "Session",
        targetId: sessionId || null,
      },
    };
  },
});

/** Marks the session as past its second factor (after a code, a recovery code or enrolment). */
export async function completeSecondFactor(tx: TenantTx, sessionId: string): Promise<void> {
  await tx.session.update({ where: { id: sessionId }, data: { secondFactorAt: new Date() } });
}
