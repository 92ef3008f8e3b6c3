import { describe, expect, test } from "vitest";
import { ADVISORIES, SECURITY_TXT_EXPIRES, securityTxt } from "@/lib/security/disclosure";
import { parseSecurityTxt } from "./support/security-txt";

const DAY = 86_400_000;

describe("[M13.1] [B6.1] /.well-known/security.txt (RFC 9116)", () => {
  test("parses, with every field we promise: Contact, Expires, Policy, Acknowledgments, Preferred-Languages", () => {
    const { fields, problems } = parseSecurityTxt(securityTxt("harambee.africa"), new Date());
    expect(problems).toEqual([]);
    expect(fields.get("contact")).toEqual(["mailto:security@harambee.africa", "https://harambee.africa/security#report"]);
    expect(fields.get("policy")).toEqual(["https://harambee.africa/security#policy"]);
    expect(fields.get("acknowledgments")).toEqual(["https://harambee.africa/security/advisories"]);
    expect(fields.get("preferred-languages")).toEqual(["en"]);
    expect(fields.get("canonical")).toEqual(["https://harambee.africa/.well-known/security.txt"]);
  });

  test("Expires is more than 30 days and less than a year away (RFC 9116 §2.5.5) — renew it in lib/security/disclosure.ts when this fails", () => {
    const left = new Date(SECURITY_TXT_EXPIRES).getTime() - Date.now();
    expect(left).toBeGreaterThan(30 * DAY);
    expect(left).toBeLessThan(366 * DAY);
  });

  test("the checker itself refuses what RFC 9116 refuses", () => {
    const now = new Date("2026-11-23T00:00:00Z");
    expect(parseSecurityTxt("Expires: 2027-01-01T00:00:00Z\n", now).problems).toContain("Contact is required");
    expect(parseSecurityTxt("Contact: mailto:a@b.c\nExpires: 2026-01-01T00:00:00Z\n", now).problems).toContain("Expires is in the past");
    expect(parseSecurityTxt("Contact: http://b.c\nExpires: 2027-01-01T00:00:00Z\n", now).problems).toHaveLength(1);
    expect(parseSecurityTxt("Contact: mailto:a@b.c\n", now).problems).toContain("Expires must appear exactly once");
  });

  test("the advisory log credits every entry and names each once", () => {
    expect(ADVISORIES.length).toBeGreaterThan(0);
    expect(new Set(ADVISORIES.map((a) => a.id)).size).toBe(ADVISORIES.length);
    for (const advisory of ADVISORIES) {
      expect(advisory.id).toMatch(/^HAR-\d{4}-\d{3}$/);
      expect(advisory.credit.length).toBeGreaterThan(0);
      expect(advisory.published).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
