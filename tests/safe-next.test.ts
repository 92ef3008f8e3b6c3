import { describe, expect, test } from "vitest";
import { DEFAULT_NEXT, safeCallbackUrl, safeNext } from "@/lib/security/safe-next";

const MEMBER = "/members/0b8f2f0e-6c1d-4b1a-9d0e-2f4c6a8b1c3d";

describe("[M6.5] ?next= only names one of our routes on this host; everything else goes to the dashboard", () => {
  const allowed: Array<[string, string]> = [
    ["/", "/"],
    ["/members", "/members"],
    ["/members/new", "/members/new"],
    [MEMBER, MEMBER],
    ["/members?q=ndegwa&archived=1", "/members?q=ndegwa&archived=1"],
    ["/members#top", "/members"],
    ["/login", "/login"],
  ];
  test.each(allowed)("allowed: %s", (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });

  const attacks: string[] = [
    "//evil.com",
    "///evil.com",
    "https://evil.com",
    "http://evil.com/members",
    "HTTPS://EVIL.COM",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "%2F%2Fevil.com",
    "/%2F%2Fevil.com",
    "/%2f%2fevil.com",
    "%252F%252Fevil.com",
    "/%5Cevil.com",
    "/%5C%5Cevil.com",
    "/%09/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    "/..//evil.com",
    "/members/..//evil.com",
    "/%2e%2e/%2e%2e/evil.com",
    "/members/..%2F..%2Fevil.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "http:evil.com",
    "https:/evil.com",
    "evil.com",
    " /members",
    "https://westlands.harambee.africa/members",
    "//westlands.harambee.africa/members",
    "https://kilimani.harambee.africa.evil.com/",
    "https://kilimani.harambee.africa@evil.com/",
    "/@evil.com",
    "/members/not-a-uuid",
    "/admin",
    "/api/auth/signout",
    "/MEMBERS",
    `/members/${"a".repeat(600)}`,
    "",
  ];
  test.each(attacks)("refused: %j", (raw) => {
    expect(safeNext(raw)).toBe(DEFAULT_NEXT);
  });

  test.each([[undefined], [null], [42], [["/members"]], [{ toString: () => "/members" }]])("not a string: %j", (raw) => {
    expect(safeNext(raw)).toBe(DEFAULT_NEXT);
  });

  test("Auth.js callbackUrl: absolute on this origin keeps its named path; any other origin gets this origin's dashboard", () => {
    const base = "https://kilimani.harambee.africa";
    expect(safeCallbackUrl(`${base}/members/new`, base)).toBe(`${base}/members/new`);
    expect(safeCallbackUrl("/members", base)).toBe(`${base}/members`);
    expect(safeCallbackUrl("https://westlands.harambee.africa/members", base)).toBe(`${base}/`);
    expect(safeCallbackUrl("https://evil.com/members", base)).toBe(`${base}/`);
    expect(safeCallbackUrl("//evil.com", base)).toBe(`${base}/`);
    expect(safeCallbackUrl(`${base}//evil.com`, base)).toBe(`${base}/`);
    expect(safeCallbackUrl(`${base}/admin`, base)).toBe(`${base}/`);
  });
});
