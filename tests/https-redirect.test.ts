import { describe, expect, test } from "vitest";
import { httpsRedirectLocation, trustedProto, type ProtoCheck } from "@/lib/security/https-redirect";

const check = (overrides: Partial<ProtoCheck>): ProtoCheck => ({
  production: true,
  trustedHops: 1,
  forwardedProto: "http",
  host: "kilimani.harambee.africa",
  url: "/members?q=a",
  rootDomain: "harambee.africa",
  ...overrides,
});

describe("[M2.1] [B1.1] HTTP → HTTPS before the body is read", () => {
  test("a tenant or the apex reached over HTTP through a trusted proxy goes to the same https URL", () => {
    expect(httpsRedirectLocation(check({}))).toBe("https://kilimani.harambee.africa/members?q=a");
    expect(httpsRedirectLocation(check({ host: "harambee.africa", url: "/security" }))).toBe("https://harambee.africa/security");
    expect(httpsRedirectLocation(check({ host: "Kilimani.Harambee.Africa.:80", url: "/" }))).toBe("https://kilimani.harambee.africa/");
  });

  test("over HTTPS, or with no proxy to trust, or in development, nothing happens", () => {
    expect(httpsRedirectLocation(check({ forwardedProto: "https" }))).toBeNull();
    expect(httpsRedirectLocation(check({ forwardedProto: undefined }))).toBeNull();
    // Without trusted hops X-Forwarded-Proto is the client's word.
    expect(httpsRedirectLocation(check({ trustedHops: 0 }))).toBeNull();
    expect(httpsRedirectLocation(check({ production: false }))).toBeNull();
  });

  test("hosts that are not ours are never redirected (they get the 404), so this is no open redirect", () => {
    for (const host of ["evil.example", "kilimani.harambee.africa.evil.example", "www.harambee.africa", "127.0.0.1", undefined]) {
      expect(httpsRedirectLocation(check({ host })), String(host)).toBeNull();
    }
  });

  test("an absolute-form or odd request target still lands on our host", () => {
    expect(httpsRedirectLocation(check({ url: "http://evil.example/x" }))).toBe("https://kilimani.harambee.africa/");
    expect(httpsRedirectLocation(check({ url: "//evil.example/x" }))).toBe("https://kilimani.harambee.africa//evil.example/x");
    expect(new URL("https://kilimani.harambee.africa//evil.example/x").host).toBe("kilimani.harambee.africa");
  });

  test("with several proxies, the scheme is the one the outermost trusted proxy saw", () => {
    expect(trustedProto("http, https", 2)).toBe("http");
    expect(trustedProto("https, http", 1)).toBe("http");
    expect(trustedProto(["https", "http"], 2)).toBe("https");
    expect(trustedProto("HTTP", 1)).toBe("http");
    expect(trustedProto("http", 0)).toBeNull();
    expect(trustedProto(undefined, 1)).toBeNull();
  });
});
