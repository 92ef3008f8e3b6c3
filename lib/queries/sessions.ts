import { withTenant } from "../db/tenant";

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
