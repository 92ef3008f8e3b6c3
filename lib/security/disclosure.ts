/**
 * Coordinated disclosure (promises M13.1, B6.1): the contact, policy and
 * advisory log behind /security, /security/advisories and
 * /.well-known/security.txt (RFC 9116).
 */

/**
 * RFC 9116 asks for an Expires under a year ahead. It is a date in source on
 * purpose: when it nears, someone re-reads this file and moves it, and until
 * then a test fails (tests/security-txt.test.ts).
 */
export const SECURITY_TXT_EXPIRES = "2027-08-31T23:59:59.000Z";

export const securityContact = (rootDomain: string) => `security@${rootDomain}`;

export function securityTxt(rootDomain: string): string {
  const site = `https://${rootDomain}`;
  return [
    "# Harambee: how to report a security vulnerability (RFC 9116)",
    `Contact: mailto:${securityContact(rootDomain)}`,
    `Contact: ${site}/security#report`,
    `Expires: ${SECURITY_TXT_EXPIRES}`,
    `Policy: ${site}/security#policy`,
    `Acknowledgments: ${site}/security/advisories`,
    "Preferred-Languages: en",
    `Canonical: ${site}/.well-known/security.txt`,
    "",
  ].join("\n");
}

export type Advisory = {
  id: string;
  published: string;
  title: string;
  severity: "none" | "low" | "moderate" | "high" | "critical";
  affected: string;
  summary: string;
  credit: string;
};

/** Newest first. Every report we confirm gets an entry, and its reporter the credit they ask for. */
export const ADVISORIES: readonly Advisory[] = [
  {
    id: "HAR-2026-001",
    published: "2026-11-23",
    title: "Next.js server-action CSRF bypass with Origin: null (CVE-2026-27978): not affected",
    severity: "none",
    affected: "No Harambee release.",
    summary:
      "Next.js before 16.1.7 accepted a server action whose Origin header was the string null. Harambee has " +
      "always run a fixed Next.js, and its own check refuses any state-changing request whose Origin is " +
      "missing, null or another host before Next.js sees it.",
    credit: "Found by our own dependency review.",
  },
];
