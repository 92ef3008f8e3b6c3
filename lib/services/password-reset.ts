import { createElement } from "react";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { IdentitySubject } from "../authz/actor";
import { hashPassword } from "../auth/passwords";
import { appDb } from "../db/clients";
import { sendEmail } from "../email/send";
import { PasswordResetEmail, passwordResetText } from "../email/templates/password-reset";
import { invalidError, isAppError, notFoundError } from "../errors";
import { defineIdentityMutation } from "./identity-mutation";
import { checkNewPassword } from "./password-change";
import { endSessionsOfUser } from "./sessions";

/**
 * Forgot / reset password (promise M3.4). The token is 256 random bits, sent
 * only in the email; the database keeps its SHA-256. It works once, for 4
 * hours, and issuing or using one kills every other token of that person.
 */
export const RESET_TOKEN_HOURS = 4;

export const RESET_MESSAGES = {
  unknown: "This reset link is not valid. Ask for a new one.",
  used: "This reset link has already been used. Ask for a new one if you still need it.",
  expired: "This reset link has expired (links last 4 hours). Ask for a new one.",
} as const;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Someone asking for, or using, a link on an organisation's host. */
export type ResetVisitor = { organization: { id: string; name: string }; origin: string; ip: string | null };

const issueResetToken = defineIdentityMutation({
  action: "auth.reset_requested",
  input: z.object({ tokenHash: z.string().length(64), now: z.date() }),
  run: async (tx, input, subject: IdentitySubject & { organizationId: string; userId: string }) => {
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: subject.organizationId, userId: subject.userId } },
      select: { id: true },
    });
    if (!membership) throw notFoundError();
    await tx.passwordResetToken.updateMany({ where: { userId: subject.userId, usedAt: null }, data: { usedAt: input.now } });
    await tx.passwordResetToken.create({
      data: { userId: subject.userId, tokenHash: input.tokenHash, createdAt: input.now, expiresAt: new Date(input.now.getTime() + RESET_TOKEN_HOURS * 3_600_000) },
    });
    return { result: null, audit: { summary: "Password-reset link sent", targetType: "User", targetId: subject.userId } };
  },
});

/**
 * Sends a reset link when the email belongs to a member of this organisation.
 * The caller answers the same either way, so nobody learns whether it does.
 */
export async function requestPasswordReset(visitor: ResetVisitor, email: string, now = new Date()): Promise<void> {
  const user = await appDb().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, email: true } });
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  try {
    await issueResetToken({ organizationId: visitor.organization.id, userId: user.id, label: user.email, ip: visitor.ip }, { tokenHash: tokenHash(token), now });
  } catch (error) {
    if (isAppError(error, "NOT_FOUND")) return;
    throw error;
  }
  const props = { organizationName: visitor.organization.name, link: `${visitor.origin}/reset-password?token=${token}` };
  await sendEmail({ to: user.email, subject: `Reset your ${visitor.organization.name} password`, react: createElement(PasswordResetEmail, props), text: passwordResetText(props) });
}

const redeemResetToken = defineIdentityMutation({
  action: "auth.password_reset",
  input: z.object({ tokenId: z.uuid(), passwordHash: z.string().min(1), now: z.date() }),
  run: async (tx, input, subject: IdentitySubject & { userId: string }) => {
    // Claim the token first: of two concurrent uses, only one updates a row.
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: input.tokenId, usedAt: null }, data: { usedAt: input.now } });
    if (count === 0) throw invalidError(RESET_MESSAGES.used);
    await tx.passwordResetToken.updateMany({ where: { userId: subject.userId, usedAt: null }, data: { usedAt: input.now } });
    await tx.user.update({ where: { id: subject.userId }, data: { passwordHash: input.passwordHash } });
    const ended = await endSessionsOfUser(tx, subject.userId);
    return {
      result: null,
      audit: { summary: `Reset their password with an emailed link; ${ended} session(s) ended`, targetType: "User", targetId: subject.userId },
    };
  },
});

export const resetInput = z.object({ token: z.string().min(1).max(200), password: z.string().max(200), confirm: z.string().max(200) });

/** Sets the new password from a live token, kills every token of the person and ends all their sessions. */
export async function resetPassword(visitor: { organizationId: string; ip: string | null }, raw: unknown, now = new Date()): Promise<void> {
  const parsed = resetInput.safeParse(raw);
  if (!parsed.success) throw invalidError(RESET_MESSAGES.unknown);
  const input = parsed.data;
  const found = await appDb().passwordResetToken.findUnique({
    where: { tokenHash: tokenHash(input.token) },
    select: { id: true, usedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!found) throw invalidError(RESET_MESSAGES.unknown);
  if (found.usedAt) throw invalidError(RESET_MESSAGES.used);
  if (found.expiresAt.getTime() <= now.getTime()) throw invalidError(RESET_MESSAGES.expired);
  checkNewPassword(input, found.user);
  const subject = { organizationId: visitor.organizationId, userId: found.user.id, label: found.user.email, ip: visitor.ip };
  await redeemResetToken(subject, { tokenId: found.id, passwordHash: await hashPassword(input.password), now });
}
