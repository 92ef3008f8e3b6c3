import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { hkdfSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { PAY_LINK_TTL_SECONDS, signPayLink, verifyPayLink } from "@/lib/dues/pay-link";

const secret = "a-test-secret-of-at-least-thirty-two-characters";
const otherSecret = "another-test-secret-of-at-least-thirty-two-chars";
const organizationId = "0b5c6a52-7f0e-4c43-9a4e-0d2a4b6f1a11";
const otherOrganizationId = "7d3e1f20-1c2b-4a5d-8e6f-9a0b1c2d3e4f";
const invoiceId = "5f8e2d1c-3b4a-4c5d-9e8f-7a6b5c4d3e2f";
const now = new Date("2026-07-01T09:00:00Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const later = (s: number) => new Date(now.getTime() + s * 1000);

const sign = (options: { ttlSeconds?: number } = {}) => signPayLink({ organizationId, invoiceId }, { secret, now, ...options });
const verify = (token: string, at = now) => verifyPayLink(token, { organizationId, secret, now: at });

/** The claims a genuine link carries, for forging tokens the way an attacker would. */
const genuineClaims = () =>
  new SignJWT({ jti: "forged" })
    .setIssuer("harambee")
    .setAudience(organizationId)
    .setSubject(invoiceId)
    .setIssuedAt(seconds(now))
    .setExpirationTime(seconds(now) + 3600);

describe("signPayLink and verifyPayLink: one invoice, one organisation, no sign-in", () => {
  test("a fresh link names its invoice and when it expires (30 days unless told)", async () => {
    expect(await verify(await sign())).toEqual({ ok: true, invoiceId, expiresAt: later(PAY_LINK_TTL_SECONDS) });
    expect(PAY_LINK_TTL_SECONDS).toBe(30 * 24 * 60 * 60);
  });

  test("carries sub, aud, iss, iat, exp and a unique jti, signed HS256", async () => {
    const [first, second] = await Promise.all([sign(), sign()]);
    const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    const [header, payload] = first.split(".").slice(0, 2).map(decode);
    expect(header).toEqual({ alg: "HS256" });
    expect(payload).toMatchObject({ sub: invoiceId, aud: organizationId, iss: "harambee", iat: seconds(now), exp: seconds(now) + PAY_LINK_TTL_SECONDS });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(decode(second.split(".")[1]).jti).not.toBe(payload.jti);
  });

  test("is URL-safe as it stands", async () => {
    const token = await sign();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  test("works until the second before it expires, and is expired from that second on", async () => {
    const token = await sign({ ttlSeconds: 60 });
    expect(await verify(token, later(59))).toMatchObject({ ok: true });
    expect(await verify(token, later(60))).toEqual({ ok: false, reason: "expired" });
    expect(await verify(token, later(PAY_LINK_TTL_SECONDS))).toEqual({ ok: false, reason: "expired" });
  });

  test("is not signed with the secret itself, but with a key derived from it", async () => {
    const raw = new TextEncoder().encode(secret);
    const derived = new Uint8Array(hkdfSync("sha256", secret, "", "harambee pay-link v1", 32));
    expect(await verify(await genuineClaims().setProtectedHeader({ alg: "HS256" }).sign(raw))).toEqual({ ok: false, reason: "invalid" });
    expect(await verify(await genuineClaims().setProtectedHeader({ alg: "HS256" }).sign(derived))).toMatchObject({ ok: true, invoiceId });
  });

  test("refuses a bad ttl and a short secret when signing", async () => {
    await expect(sign({ ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(sign({ ttlSeconds: 1.5 })).rejects.toThrow(RangeError);
    await expect(signPayLink({ organizationId, invoiceId }, { secret: "short" })).rejects.toThrow(/at least 32/);
  });
});

describe("verifyPayLink: every forgery is simply invalid, and nothing throws", () => {
  const derivedKey = new Uint8Array(hkdfSync("sha256", secret, "", "harambee pay-link v1", 32));
  const swapPayload = (token: string, changes: Record<string, unknown>) => {
    const [header, payload, signature] = token.split(".");
    const altered = { ...JSON.parse(Buffer.from(payload, "base64url").toString("utf8")), ...changes };
    return [header, Buffer.from(JSON.stringify(altered)).toString("base64url"), signature].join(".");
  };

  const forgeries: Array<[string, () => Promise<string>]> = [
    ["a link for another organisation", () => signPayLink({ organizationId: otherOrganizationId, invoiceId }, { secret, now })],
    ["a link signed with another secret", () => signPayLink({ organizationId, invoiceId }, { secret: otherSecret, now })],
    ["a link whose invoice was changed", async () => swapPayload(await sign(), { sub: "another-invoice" })],
    ["a link whose expiry was pushed back", async () => swapPayload(await sign({ ttlSeconds: 1 }), { exp: seconds(now) + 10 ** 9 })],
    ["a link whose organisation was changed", async () => swapPayload(await sign(), { aud: otherOrganizationId })],
    ["a link with its signature cut off", async () => (await sign()).split(".").slice(0, 2).join(".") + "."],
    ["a link with a flipped signature character", async () => {
      const token = await sign();
      return token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    }],
    ["an unsigned link (alg none)", async () => new UnsecuredJWT({ jti: "forged" }).setIssuer("harambee").setAudience(organizationId).setSubject(invoiceId).setIssuedAt(seconds(now)).setExpirationTime(seconds(now) + 3600).encode()],
    ["a link signed RS256 with someone's key pair", async () => genuineClaims().setProtectedHeader({ alg: "RS256" }).sign((await generateKeyPair("RS256")).privateKey)],
    ["a link signed with the right key but HS512", async () => genuineClaims().setProtectedHeader({ alg: "HS512" }).sign(derivedKey)],
    ["a link from another issuer", async () => genuineClaims().setIssuer("someone-else").setProtectedHeader({ alg: "HS256" }).sign(derivedKey)],
    ["a link without an invoice", async () => new SignJWT({ jti: "x" }).setIssuer("harambee").setAudience(organizationId).setIssuedAt(seconds(now)).setExpirationTime(seconds(now) + 3600).setProtectedHeader({ alg: "HS256" }).sign(derivedKey)],
    ["a link that never expires", async () => new SignJWT({ jti: "x" }).setIssuer("harambee").setAudience(organizationId).setSubject(invoiceId).setIssuedAt(seconds(now)).setProtectedHeader({ alg: "HS256" }).sign(derivedKey)],
    ["an expired link for another organisation", () => signPayLink({ organizationId: otherOrganizationId, invoiceId }, { secret, now, ttlSeconds: 1 })],
    ["an empty string", async () => ""],
    ["three dots", async () => "..."],
    ["words", async () => "pay me please"],
    ["a very long string", async () => "a".repeat(100_000)],
    ["invalid base64 in every part", async () => "%%%.%%%.%%%"],
  ];
  test.each(forgeries)("%s", async (_, forge) => {
    expect(await verify(await forge(), later(5))).toEqual({ ok: false, reason: "invalid" });
  });

  test("answers invalid for input that is not even a string", async () => {
    expect(await verify(undefined as unknown as string)).toEqual({ ok: false, reason: "invalid" });
  });
});
