import { z } from "zod";
import { appDb } from "../db/clients";
import { withSessionSide } from "../db/platform";
import type { TenantTx } from "../db/tenant";
import { appendAudit, type AuditActor } from "../audit/append";
import { verifyPassword } from "../auth/passwords";
import { acceptedStep, looksLikeRecoveryCode, newRecoveryCodes, recoveryCodeHash } from "../auth/totp";
import { invalidError } from "../errors";
import { retryWording } from "../ratelimit/limits";
import { admitTotp } from "./login-limits";
import { completeSecondFactor } from "./sessions";

/**
 * TOTP two-factor (promise M3.6): enrolment confirmed by a first code, ten
 * recovery codes, the check at sign-in, and disabling with password + code,
 * for an organisation's sessions and for platform admins' apex sessions alike.
 * The secret is a declared encrypted field (lib/crypto/fields.ts). Every
 * refused attempt is rate-limited per person and audited.
 */
/** organizationId is null for a platform admin's apex session: its factor is audited on the platform chain. */
export type SessionRef = { userId: string; sessionId: string; organizationId: string | null };

const WRONG_CODE = "That code did not work. Check your authenticator app's clock and try again.";

/** Audits a refused attempt in its own transaction (the caller then throws) and returns the error. */
async function refused(session: SessionRef, actor: AuditActor, summary: string, message = WRONG_CODE) {
  await withSessionSide(session.organizationId, (tx) =>
    appendAudit(tx, session.organizationId, actor, { action: "auth.two_factor_failed", summary, targetType: "User", targetId: session.userId }),
  );
  return invalidError(message, { code: [message] });
}

async function admitted(session: SessionRef, actor: AuditActor): Promise<void> {
  const outcome = await admitTotp({ organizationId: session.organizationId, ip: actor.ip, userId: session.userId });
  if (!outcome.ok) throw invalidError(`Too many codes tried. For your security, please wait and try again ${retryWording(outcome)}.`);
}

const enrolInput = z.object({ secret: z.string().regex(/^[A-Z2-7]{32}$/), code: z.string().max(20) });

/** Turns two-factor on with the secret the person scanned, once a first code from it checks out; returns the recovery codes. */
export async function confirmEnrolment(session: SessionRef, actor: AuditActor, raw: unknown, now = Date.now()): Promise<string[]> {
  await admitted(session, actor);
  const input = enrolInput.safeParse(raw);
  const user = await appDb().user.findUniqueOrThrow({ where: { id: session.userId }, select: { totpEnabledAt: true } });
  if (user.totpEnabledAt) throw await refused(session, actor, "Two-factor enrolment refused: already on", "Two-factor authentication is already on.");
  const step = input.success ? acceptedStep(input.data.secret, input.data.code, null, now) : null;
  if (!input.success || step === null) throw await refused(session, actor, "Two-factor enrolment refused: wrong code");
  const codes = newRecoveryCodes();
  await withSessionSide(session.organizationId, async (tx) => {
    await tx.user.update({ where: { id: session.userId }, data: { totpSecret: input.data.secret, totpEnabledAt: new Date(now), totpLastStep: step } });
    await tx.recoveryCode.deleteMany({ where: { userId: session.userId } });
    await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId: session.userId, codeHash: recoveryCodeHash(code) })) });
    await completeSecondFactor(tx, session.sessionId);
    await appendAudit(tx, session.organizationId, actor, { action: "auth.two_factor_enabled", summary: "Turned on two-factor authentication", targetType: "User", targetId: session.userId });
  });
  return codes;
}

/** Checks a TOTP code, refusing replays, and records its step. Inside the caller's transaction. */
async function useTotpCode(tx: TenantTx, userId: string, code: string, now: number): Promise<boolean> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { totpSecret: true, totpEnabledAt: true, totpLastStep: true } });
  if (!user.totpSecret || !user.totpEnabledAt) return false;
  const step = acceptedStep(user.totpSecret, code, user.totpLastStep, now);
  if (step === null) return false;
  // Of two concurrent uses of one code, only one moves the step forward.
  const { count } = await tx.user.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return count === 1;
}

/** The second step of signing in: a current code, or an unused recovery code (which then dies). */
export async function verifySecondFactor(session: SessionRef, actor: AuditActor, code: string, now = Date.now()): Promise<void> {
  await admitted(session, actor);
  const how = await withSessionSide(session.organizationId, async (tx) => {
    let used: "code" | "recovery" | null = null;
    if (looksLikeRecoveryCode(code)) {
      const { count } = await tx.recoveryCode.updateMany({ where: { userId: session.userId, codeHash: recoveryCodeHash(code), usedAt: null }, data: { usedAt: new Date(now) } });
      if (count === 1) used = "recovery";
    } else if (await useTotpCode(tx, session.userId, code, now)) {
      used = "code";
    }
    if (!used) return null;
    await completeSecondFactor(tx, session.sessionId);
    await appendAudit(tx, session.organizationId, actor, {
      action: used === "recovery" ? "auth.recovery_code_used" : "auth.second_factor",
      summary: used === "recovery" ? "Passed two-factor with a recovery code" : "Passed two-factor",
      targetType: "Session",
      targetId: session.sessionId,
    });
    return used;
  });
  if (!how) throw await refused(session, actor, "Two-factor code refused");
}

/** Turns two-factor off: needs the password and a current code. */
export async function disableTwoFactor(session: SessionRef, actor: AuditActor, raw: { password?: string; code?: string }, now = Date.now()): Promise<void> {
  await admitted(session, actor);
  const user = await appDb().user.findUniqueOrThrow({ where: { id: session.userId }, select: { passwordHash: true } });
  const passwordOk = await verifyPassword(user.passwordHash, raw.password ?? "");
  const done = await withSessionSide(session.organizationId, async (tx) => {
    if (!passwordOk || !(await useTotpCode(tx, session.userId, raw.code ?? "", now))) return false;
    await tx.user.update({ where: { id: session.userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId: session.userId } });
    await appendAudit(tx, session.organizationId, actor, { action: "auth.two_factor_disabled", summary: "Turned off two-factor authentication", targetType: "User", targetId: session.userId });
    return true;
  });
  if (!done) throw await refused(session, actor, "Turning off two-factor refused", "The password or the code is not right.");
}
