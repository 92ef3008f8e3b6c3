import { z } from "zod";
import type { SessionSubject } from "../authz/actor";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { passwordProblems } from "../auth/password-policy";
import { appDb } from "../db/clients";
import { invalidError } from "../errors";
import { defineIdentityMutation } from "./identity-mutation";
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

const setPassword = defineIdentityMutation({
  action: "auth.password_changed",
  input: z.object({ passwordHash: z.string().min(1) }),
  run: async (tx, { passwordHash }, subject: SessionSubject) => {
    await tx.user.update({ where: { id: subject.userId }, data: { passwordHash } });
    const endedSessions = await endSessionsOfUser(tx, subject.userId, subject.sessionId);
    return {
      result: { endedSessions },
      audit: { summary: `Changed their password; ${endedSessions} other session(s) ended`, targetType: "User", targetId: subject.userId },
    };
  },
});

/**
 * Changes one's own password: the current one first, then the rules. Every
 * other session of the person ends at once (in every organisation); this one
 * stays. The plaintext goes only to Argon2id.
 */
export async function changePassword(subject: SessionSubject, raw: unknown): Promise<{ endedSessions: number }> {
  const parsed = passwordChangeInput.safeParse(raw);
  if (!parsed.success) throw invalidError("Please correct the highlighted fields.", z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const input = parsed.data;
  const user = await appDb().user.findUniqueOrThrow({ where: { id: subject.userId }, select: { email: true, name: true, passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, input.current))) {
    throw invalidError("Please correct the highlighted fields.", { current: ["That is not your current password."] });
  }
  checkNewPassword(input, user);
  return setPassword(subject, { passwordHash: await hashPassword(input.password) });
}
