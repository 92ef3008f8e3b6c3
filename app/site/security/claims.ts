/**
 * What /security says, claim by claim, each with the promise IDs that
 * docs/SECURITY.md maps to code and tests. Written from what the product does;
 * the badge beside each claim shows whether its test exists yet.
 */
export type Claim = { text: string; ids: readonly string[] };

export const CLAIM_SECTIONS: ReadonlyArray<{ heading: string; claims: readonly Claim[] }> = [
  {
    heading: "Each organisation is kept apart",
    claims: [
      { text: "Every organisation works on its own subdomain, and its sign-in cookie is never sent to another one.", ids: ["B3.5", "P1"] },
      {
        text: "Every table that holds an organisation's data carries its id, and PostgreSQL row-level security — forced, for a database role that cannot bypass it — returns nothing of any other organisation, even to a query that forgot to ask.",
        ids: ["B3.2", "M4.2"],
      },
      { text: "Asking for another organisation's record gets the same “not found” as asking for one that does not exist.", ids: ["M4.4"] },
      {
        text: "What each person may do comes from one table of roles and capabilities; lists are scoped to a person's part of the organisation.",
        ids: ["M4.1", "M4.3", "B3.1"],
      },
      { text: "Platform administration has its own address and is out of reach of every organisation's users.", ids: ["M4.5"] },
    ],
  },
  {
    heading: "Signing in",
    claims: [
      { text: "Passwords are hashed with Argon2id and never stored or logged; weak and common passwords are refused.", ids: ["M3.1", "M3.2"] },
      { text: "Sessions live on our server: 30 idle minutes end one, and signing out or a password change ends it at once.", ids: ["M3.3"] },
      { text: "Sign-in and password-reset attempts are limited per address; reset links work once and expire within 4 hours.", ids: ["M3.5", "M3.4"] },
      { text: "Two-factor sign-in with an authenticator app, required for owners and platform administrators.", ids: ["M3.6"] },
    ],
  },
  {
    heading: "On the wire and in your browser",
    claims: [
      {
        text: "HTTPS only, TLS 1.2 or newer, with HSTS preload on every host. A plain-HTTP request is answered with a redirect to HTTPS before its body is read.",
        ids: ["M2.1", "B1.1"],
      },
      {
        text: "Every response carries a Content Security Policy that runs only our own scripts (a fresh nonce per request), forbids framing, and the usual nosniff, referrer and permissions headers.",
        ids: ["M6.4"],
      },
      { text: "A form or request from any other site — including another organisation's subdomain — is refused.", ids: ["M6.3"] },
      { text: "After signing in we send you only to our own named pages, never to an address taken from a link.", ids: ["M6.5"] },
      { text: "When something breaks you see a plain page with a reference number: never a stack trace, query or file path.", ids: ["M6.7"] },
      { text: "Only our own domain and its organisations' subdomains answer; any other host name gets nothing.", ids: ["M6.8"] },
      { text: "Everything is escaped when shown; uploads are checked by content, capped at 10 MB and served as downloads.", ids: ["M6.2", "M6.6"] },
    ],
  },
  {
    heading: "Data at rest",
    claims: [
      {
        text: "National ID numbers, phone numbers, M-Pesa receipts, donor details and welfare case notes are encrypted by the application, with keys that rotate; a copy of the database alone reveals none of them.",
        ids: ["M2.4", "B2.1"],
      },
      { text: "Secrets come only from the environment; the production server refuses to start with a missing or default one.", ids: ["M2.5"] },
      { text: "Backups are taken daily, encrypted, kept off-site, and restored in a timed drill.", ids: ["M2.3", "M8.4"] },
    ],
  },
  {
    heading: "Audit trail",
    claims: [
      {
        text: "Every change is recorded with who, when, from which address, and what it was before and after — without personal data in the record.",
        ids: ["M5.1", "B3.3", "M5.2"],
      },
      { text: "Entries are chained with SHA-256 and the database refuses to change or delete them; a check names the first broken link.", ids: ["M5.4"] },
      { text: "Administrators can read and export the trail; it is kept for seven years.", ids: ["M5.3", "B3.4"] },
    ],
  },
  {
    heading: "How we build and run it",
    claims: [
      { text: "Data access goes through the ORM; raw SQL is allowed only in the data layer, and the build fails otherwise.", ids: ["M6.1"] },
      { text: "Dependencies are checked against the advisory database on every deploy.", ids: ["M7.1"] },
      { text: "Structured logs without personal data, and a health check that includes the database.", ids: ["M10.1"] },
    ],
  },
];
