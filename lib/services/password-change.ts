import { z } from "zod";
import { appDb } from "../db/clients";
import { withTenant } from "../db/tenant";
import { appendAudit } from "../audit/append";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { passwordProblems } from "../auth/password-policy";
import { invalidError } from "../errors";
import { endSessionsOfUser } from "./sessions";

export const passwordChangeInput = z.object({
  current: z.string().min(1, "Enter your current password.").max(200),
  password: z.string().max(200),
  confirm: z.string().max(200),
});

/** The new-password rules (M3.2) plus "typed twice alike", as field messages. */
export function checkNewPassword(input: { password: string; confirm: string }, person: { email: string; name: string }): void {
  const problems = passwordProblems(input.password, person);
  if (problems.length) throw invalidError("Please choose a stronger password.", { password: problems });
  if (input.password !== input.confirm) throw invalidError("Please correct the highlighted fields.", { confirm: ["The two passwords differ."] });
}

/**
 * Changes one's own password: the current one first, then the rules. Every
 * other session of the person ends at once (in every organisation); this one
 * stays. The plaintext goes only to Argon2id.
 */
export async function changePassword(
  current: { userId: string; sessionId: string; organizationId: string },
  actor: { id: string; label: string; ip: string | null },
  raw: unknown,
): Promise<{ endedSessions: number }> {
  const parsed = passwordChangeInput.safeParse(raw);
  if (!parsed.success) throw invalidError("Please correct the highlighted fields.", z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const input = parsed.data;
  const user = await appDb().user.findUniqueOrThrow({ where: { id: current.userId }, select: { email: true, name: true, passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    throw invalidError("Please correct the highlighted fields.", { current: ["That is not your current password."] });
  }
  checkNewPassword(input, user);
  const passwordHash = await hashPassword(input.password);
  return withTenant(current.organizationId, async (tx) => {
    await tx.user.update({ where: { id: current.userId }, data: { passwordHash } });
    const endedSessions = await endSessionsOfUser(tx, current.userId, current.sessionId);
    await appendAudit(tx, current.organizationId, actor, {
      action: "auth.password_changed",
      summary: `Changed their password; ${endedSessions} other session(s) ended`,
      targetType: "User",
      targetId: current.userId,
    });
    return { endedSessions };
  });
}
