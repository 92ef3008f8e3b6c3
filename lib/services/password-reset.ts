import { createElement } from "react";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { appDb } from "../db/clients";
import { withTenant } from "../db/tenant";
import { appendAudit } from "../audit/append";
import { hashPassword } from "../auth/passwords";
import { invalidError } from "../errors";
import { sendEmail } from "../email/send";
import { PasswordResetEmail, passwordResetText } from "../email/templates/password-reset";
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

/**
 * Sends a reset link when the email belongs to a member of this organisation.
 * The caller answers the same either way, so nobody learns whether it does.
 */
export async function requestPasswordReset(
  request: { organization: { id: string; name: string }; origin: string; ip: string | null },
  email: string,
  now = new Date(),
): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const user = await appDb().user.findUnique({ where: { email: normalized }, select: { id: true, email: true } });
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  const issued = await withTenant(request.organization.id, async (tx) => {
    const membership = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: request.organization.id, userId: user.id } },
      select: { id: true },
    });
    if (!membership) return false;
    await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: tokenHash(token), createdAt: now, expiresAt: new Date(now.getTime() + RESET_TOKEN_HOURS * 3_600_000) },
    });
    await appendAudit(tx, request.organization.id, { id: user.id, label: user.email, ip: request.ip }, {
      action: "auth.reset_requested",
      summary: "Password-reset link sent",
      targetType: "User",
      targetId: user.id,
    });
    return true;
  });
  if (!issued) return;
  const props = { organizationName: request.organization.name, link: `${request.origin}/reset-password?token=${token}` };
  await sendEmail({ to: user.email, subject: `Reset your ${request.organization.name} password`, react: createElement(PasswordResetEmail, props), text: passwordResetText(props) });
}

export const resetInput = z.object({ token: z.string().min(1).max(200), password: z.string().max(200), confirm: z.string().max(200) });

/** Sets the new password from a live token, kills every token of the person and ends all their sessions. */
export async function resetPassword(
  request: { organizationId: string; ip: string | null },
  raw: unknown,
  now = new Date(),
): Promise<void> {
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
  const passwordHash = await hashPassword(input.password);
  await withTenant(request.organizationId, async (tx) => {
    // Claim the token first: of two concurrent uses, only one updates a row.
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: now } });
    if (count === 0) throw invalidError(RESET_MESSAGES.used);
    await tx.passwordResetToken.updateMany({ where: { userId: found.user.id, usedAt: null }, data: { usedAt: now } });
    await tx.user.update({ where: { id: found.user.id }, data: { passwordHash } });
    const ended = await endSessionsOfUser(tx, found.user.id);
    await appendAudit(tx, request.organizationId, { id: found.user.id, label: found.user.email, ip: request.ip }, {
      action: "auth.password_reset",
      summary: `Reset their password with an emailed link; ${ended} session(s) ended`,
      targetType: "User",
      targetId: found.user.id,
    });
  });
}
