import { z } from "zod";
import type { SessionSubject } from "../authz/actor";
import { verifyPassword } from "../auth/passwords";
import { acceptedStep, looksLikeRecoveryCode, newRecoveryCodes, recoveryCodeHash } from "../auth/totp";
import { appDb } from "../db/clients";
import type { TenantTx } from "../db/tenant";
import { invalidError, isAppError } from "../errors";
import { retryWording } from "../ratelimit/limits";
import { defineIdentityMutation } from "./identity-mutation";
import { admitTotp } from "./login-limits";
import { completeSecondFactor } from "./sessions";

/**
 * TOTP two-factor (promise M3.6): enrolment confirmed by a first code, ten
 * recovery codes, the check at sign-in, and disabling with password + code,
 * for an organisation's sessions and for platform admins' apex sessions alike
 * (the subject's side: organizationId null on the apex). The secret is a
 * declared encrypted field (lib/crypto/fields.ts). Every refused attempt is
 * rate-limited per person and audited.
 */
const WRONG_CODE = "That code did not work. Check your authenticator app's clock and try again.";

const REFUSALS = {
  alreadyOn: "Two-factor enrolment refused: already on",
  wrongEnrolmentCode: "Two-factor enrolment refused: wrong code",
  wrongCode: "Two-factor code refused",
  disable: "Turning off two-factor refused",
} as const;

const recordRefusal = defineIdentityMutation({
  action: "auth.two_factor_failed",
  input: z.object({ reason: z.enum(Object.keys(REFUSALS) as [keyof typeof REFUSALS]) }),
  run: async (_tx, { reason }, subject: SessionSubject) => ({
    result: null,
    audit: { summary: REFUSALS[reason], targetType: "User", targetId: subject.userId },
  }),
});

/** Audits a refused attempt in its own transaction (the caller then throws) and returns the error. */
async function refused(subject: SessionSubject, reason: keyof typeof REFUSALS, message = WRONG_CODE) {
  await recordRefusal(subject, { reason });
  return invalidError(message, { code: [message] });
}

async function admitted(subject: SessionSubject): Promise<void> {
  const outcome = await admitTotp({ organizationId: subject.organizationId, ip: subject.ip, userId: subject.userId });
  if (!outcome.ok) throw invalidError(`Too many codes tried. For your security, please wait and try again ${retryWording(outcome)}.`);
}

/** Checks a TOTP code, refusing replays, and records its step. Inside the caller's transaction. */
async function acceptTotpCode(tx: TenantTx, userId: string, code: string, now: number): Promise<boolean> {
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

const codeAt = z.object({ code: z.string().max(64), now: z.number() });

const enableTwoFactor = defineIdentityMutation({
  action: "auth.two_factor_enabled",
  input: z.object({ secret: z.string().regex(/^[A-Z2-7]{32}$/), step: z.number().int().nonnegative(), recoveryCodeHashes: z.array(z.string()), now: z.number() }),
  run: async (tx, input, subject: SessionSubject) => {
    await tx.user.update({ where: { id: subject.userId }, data: { totpSecret: input.secret, totpEnabledAt: new Date(input.now), totpLastStep: input.step } });
    await tx.recoveryCode.deleteMany({ where: { userId: subject.userId } });
    await tx.recoveryCode.createMany({ data: input.recoveryCodeHashes.map((codeHash) => ({ userId: subject.userId, codeHash })) });
    await completeSecondFactor(tx, subject.sessionId);
    return { result: null, audit: { summary: "Turned on two-factor authentication", targetType: "User", targetId: subject.userId } };
  },
});

const enrolInput = z.object({ secret: z.string().regex(/^[A-Z2-7]{32}$/), code: z.string().max(20) });

/** Turns two-factor on with the secret the person scanned, once a first code from it checks out; returns the recovery codes. */
export async function confirmEnrolment(subject: SessionSubject, raw: unknown, now = Date.now()): Promise<string[]> {
  await admitted(subject);
  const input = enrolInput.safeParse(raw);
  const user = await appDb().user.findUniqueOrThrow({ where: { id: subject.userId }, select: { totpEnabledAt: true } });
  if (user.totpEnabledAt) throw await refused(subject, "alreadyOn", "Two-factor authentication is already on.");
  const step = input.success ? acceptedStep(input.data.secret, input.data.code, null, now) : null;
  if (!input.success || step === null) throw await refused(subject, "wrongEnrolmentCode");
  const codes = newRecoveryCodes();
  await enableTwoFactor(subject, { secret: input.data.secret, step, recoveryCodeHashes: codes.map(recoveryCodeHash), now });
  return codes;
}

const passWithCode = defineIdentityMutation({
  action: "auth.second_factor",
  input: codeAt,
  run: async (tx, { code, now }, subject: SessionSubject) => {
    if (!(await acceptTotpCode(tx, subject.userId, code, now))) throw invalidError(WRONG_CODE);
    await completeSecondFactor(tx, subject.sessionId);
    return { result: null, audit: { summary: "Passed two-factor", targetType: "Session", targetId: subject.sessionId } };
  },
});

const passWithRecoveryCode = defineIdentityMutation({
  action: "auth.recovery_code_used",
  input: codeAt,
  run: async (tx, { code, now }, subject: SessionSubject) => {
    const { count } = await tx.recoveryCode.updateMany({ where: { userId: subject.userId, codeHash: recoveryCodeHash(code), usedAt: null }, data: { usedAt: new Date(now) } });
    if (count !== 1) throw invalidError(WRONG_CODE);
    await completeSecondFactor(tx, subject.sessionId);
    return { result: null, audit: { summary: "Passed two-factor with a recovery code", targetType: "Session", targetId: subject.sessionId } };
  },
});

/** The second step of signing in: a current code, or an unused recovery code (which then dies). */
export async function verifySecondFactor(subject: SessionSubject, raw: unknown, now = Date.now()): Promise<void> {
  await admitted(subject);
  const code = z.object({ code: z.string().max(64) }).safeParse(raw);
  if (!code.success) throw await refused(subject, "wrongCode");
  const pass = looksLikeRecoveryCode(code.data.code) ? passWithRecoveryCode : passWithCode;
  try {
    await pass(subject, { code: code.data.code, now });
  } catch (error) {
    if (isAppError(error, "INVALID")) throw await refused(subject, "wrongCode");
    throw error;
  }
}

const disable = defineIdentityMutation({
  action: "auth.two_factor_disabled",
  input: codeAt,
  run: async (tx, { code, now }, subject: SessionSubject) => {
    if (!(await acceptTotpCode(tx, subject.userId, code, now))) throw invalidError(WRONG_CODE);
    await tx.user.update({ where: { id: subject.userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId: subject.userId } });
    return { result: null, audit: { summary: "Turned off two-factor authentication", targetType: "User", targetId: subject.userId } };
  },
});

const disableInput = z.object({ password: z.string().max(200).default(""), code: z.string().max(64).default("") });

/** Turns two-factor off: needs the password and a current code. */
export async function disableTwoFactor(subject: SessionSubject, raw: unknown, now = Date.now()): Promise<void> {
  await admitted(subject);
  const input = disableInput.safeParse(raw);
  const user = await appDb().user.findUniqueOrThrow({ where: { id: subject.userId }, select: { passwordHash: true } });
  const passwordOk = input.success && (await verifyPassword(user.passwordHash, input.data.password));
  const message = "The password or the code is not right.";
  if (!input.success || !passwordOk) throw await refused(subject, "disable", message);
  try {
    await disable(subject, { code: input.data.code, now });
  } catch (error) {
    if (isAppError(error, "INVALID")) throw await refused(subject, "disable", message);
    throw error;
  }
}
