import { Secret, TOTP } from "otpauth";
import { expect, test } from "vitest";
import { acceptedStep, looksLikeRecoveryCode, newRecoveryCodes, newTotpSecret, recoveryCodeHash } from "@/lib/auth/totp";

const secret = newTotpSecret();
const codeAt = (ms: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: ms });
const now = 1_796_000_000_000;
const step = Math.floor(now / 30_000);

test("[M3.6] a current code is accepted once: the same code, or an earlier step's, is a replay", () => {
  expect(acceptedStep(secret, codeAt(now), null, now)).toBe(step);
  expect(acceptedStep(secret, codeAt(now), step, now)).toBeNull();
  expect(acceptedStep(secret, codeAt(now - 30_000), step, now)).toBeNull();
  expect(acceptedStep(secret, codeAt(now + 30_000), step, now)).toBe(step + 1);
});

test("[M3.6] one step of clock drift either way is accepted, two are not; malformed codes are refused", () => {
  expect(acceptedStep(secret, codeAt(now - 30_000), null, now)).toBe(step - 1);
  expect(acceptedStep(secret, codeAt(now - 60_000), null, now)).toBeNull();
  expect(acceptedStep(secret, "12345", null, now)).toBeNull();
  expect(acceptedStep(secret, "abcdef", null, now)).toBeNull();
});

test("[M3.6] ten distinct recovery codes of 16 random characters, hashed case-insensitively", () => {
  const codes = newRecoveryCodes();
  expect(new Set(codes).size).toBe(10);
  for (const code of codes) expect(looksLikeRecoveryCode(code)).toBe(true);
  expect(recoveryCodeHash(codes[0]!.toUpperCase())).toBe(recoveryCodeHash(codes[0]!));
  expect(looksLikeRecoveryCode("123456")).toBe(false);
});
