import { hkdfSync, randomUUID } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";

/**
 * A signed, expiring link that lets a donor download one receipt without
 * signing in: a compact JWS (HS256) naming the receipt (`sub`) and its
 * organisation (`aud`), signed like a pay link (lib/dues/pay-link.ts) with a
 * key derived from AUTH_SECRET under its own HKDF label, so neither token
 * passes as the other. Every failure (altered, expired, foreign, not a
 * token) is the same null: the route answers 404.
 */
export const RECEIPT_LINK_TTL_SECONDS = 90 * 24 * 60 * 60;

const ALGORITHM = "HS256";
const ISSUER = "harambee";
const KEY_INFO = "harambee receipt-link v1";
const MIN_SECRET_LENGTH = 32;

function receiptLinkKey(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The receipt-link secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return new Uint8Array(hkdfSync("sha256", secret, "", KEY_INFO, 32));
}

export async function signReceiptLink(
  { organizationId, receiptId }: { organizationId: string; receiptId: string },
  { secret, ttlSeconds = RECEIPT_LINK_TTL_SECONDS, now = new Date() }: { secret: string; ttlSeconds?: number; now?: Date },
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT()
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuer(ISSUER)
    .setAudience(organizationId)
    .setSubject(receiptId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .setJti(randomUUID())
    .sign(receiptLinkKey(secret));
}

/** The receipt a token names in this organisation, or null. */
export async function verifyReceiptLink(token: string, { organizationId, secret, now = new Date() }: { organizationId: string; secret: string; now?: Date }): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, receiptLinkKey(secret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: organizationId,
      currentDate: now,
      requiredClaims: ["sub", "iat", "exp", "jti"],
    });
    return typeof payload.sub === "string" ? payload.sub : null;
  } catch {
    return null;
  }
}
