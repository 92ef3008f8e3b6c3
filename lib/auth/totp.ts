import { createHash, randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps), as every authenticator
 * app reads it. A code is accepted one step either side of now (clock drift),
 * and only for a step later than the last one accepted: a code seen once —
 * or an older one — is a replay.
 */
export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = "Harambee";

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app scans (shown as a QR code). */
export const totpUri = (secret: string, label: string) => totp(secret, label).toString();

/** The time step the code belongs to, or null when it is wrong, malformed or not after `lastStep`. */
export function acceptedStep(secret: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  let delta: number | null;
  try {
    delta = totp(secret, "check").validate({ token, timestamp: now, window: 1 });
  } catch {
    return null;
  }
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/**
 * Ten single-use recovery codes of 80 random bits each, shown once. Stored as
 * SHA-256: with that much entropy a slow hash adds nothing, and one lookup by
 * hash finds the code.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(16)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}`;
  });
}

export const recoveryCodeHash = (code: string) => createHash("sha256").update(code.trim().toLowerCase()).digest("hex");

export const looksLikeRecoveryCode = (code: string) => /^[a-z0-9-]{19}$/i.test(code.trim()) && code.trim().split("-").length === 4;
