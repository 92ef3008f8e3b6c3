import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, createNonce, HSTS, staticSecurityHeaders } from "@/lib/security/headers";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("[M6.4] the header set", () => {
  test("scripts run only with this request's nonce: no unsafe-inline, no eval in production, nothing embeds us", () => {
    const nonce = createNonce();
    const csp = directives(contentSecurityPolicy(nonce, true));
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("style-src-elem")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(contentSecurityPolicy(nonce, false)).toContain("'unsafe-eval'");
  });

  test("nonces are 128 random bits and never repeat", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  test("[B1.1] HSTS with preload in production only; the rest always", () => {
    const production = new Map(staticSecurityHeaders(true));
    expect(production.get("Strict-Transport-Security")).toBe("max-age=63072000; includeSubDomains; preload");
    expect(HSTS).toBe("max-age=63072000; includeSubDomains; preload");
    expect(production.get("X-Frame-Options")).toBe("DENY");
    expect(production.get("X-Content-Type-Options")).toBe("nosniff");
    expect(production.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(production.get("Permissions-Policy")).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\).*payment=\(\)/);
    expect(new Map(staticSecurityHeaders(false)).has("Strict-Transport-Security")).toBe(false);
  });
});
