import { hkdfSync, randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

/**
 * A signed link that lets a member pay one invoice without signing in: a
 * compact JWS (HS256) naming the invoice (`sub`) and its organisation (`aud`).
 * It proves only that we issued a link for that invoice: whoever honours it
 * still loads the invoice inside that organisation and checks it is payable.
 *
 * The signing key is derived from the given secret (the app's AUTH_SECRET)
 * with HKDF under its own label, so no other token signed from that secret
 * passes as a pay link, and the derived key does not reveal the secret.
 */
export type PayLinkSubject = { organizationId: string; invoiceId: string };
export type PayLinkCheck = { ok: true; invoiceId: string; expiresAt: Date } | { ok: false; reason: "expired" | "invalid" };

export const PAY_LINK_TTL_SECONDS = 30 * 24 * 60 * 60;

const ALGORITHM = "HS256";
const ISSUER = "harambee";
const KEY_INFO = "harambee pay-link v1";
const KEY_BYTES = 32;
const MIN_SECRET_LENGTH = 32;

function payLinkKey(secret: string): Uint8Array {
  // A short secret is a misconfigured server, not a bad link: refuse loudly rather than sign guessable links.
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The pay-link secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return new Uint8Array(hkdfSync("sha256", secret, "", KEY_INFO, KEY_BYTES));
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** A URL-safe token for one invoice, valid for `ttlSeconds` (30 days unless told). */
export async function signPayLink(
  { organizationId, invoiceId }: PayLinkSubject,
  { secret, ttlSeconds = PAY_LINK_TTL_SECONDS, now = new Date() }: { secret: string; ttlSeconds?: number; now?: Date },
): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`ttlSeconds must be a whole number above 0: ${ttlSeconds}`);
  const issuedAt = seconds(now);
  return new SignJWT()
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(ISSUER)
    .setAudience(organizationId)
    .setSubject(invoiceId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .setJti(randomUUID())
    .sign(payLinkKey(secret));
}

/**
 * Which invoice a token lets its holder pay in this organisation. Every
 * failure but expiry is "invalid" — altered, foreign, unsigned, another
 * algorithm, not a token at all — and none of them throws.
 */
export async function verifyPayLink(token: string, { organizationId, secret, now = new Date() }: { organizationId: string; secret: string; now?: Date }): Promise<PayLinkCheck> {
  const key = payLinkKey(secret);
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: organizationId,
      currentDate: now,
      requiredClaims: ["sub", "iat", "exp", "jti"],
    });
    if (typeof payload.sub !== "string" || typeof payload.exp !== "number") return { ok: false, reason: "invalid" };
    return { ok: true, invoiceId: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}
