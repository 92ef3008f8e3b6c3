/**
 * The facts behind /privacy: how long each kind of data is kept and on what
 * lawful basis it is processed (promises B5.2, M11.1–M11.3, B3.4, M8.2). Each
 * organisation is the controller of its members' and beneficiaries' data;
 * Harambee processes it on the organisation's instructions.
 */
export type Retention = { data: string; kept: string; ids: readonly string[] };
export type LawfulBasis = { data: string; basis: string };

export const RETENTION: readonly Retention[] = [
  {
    data: "Beneficiary batch files (raw national IDs and names as uploaded)",
    kept: "Purged 7 days after the batch is processed (each organisation can shorten this); counts and checksums stay.",
    ids: ["M11.1", "M11.2"],
  },
  { data: "Members, beneficiaries, payments and cases", kept: "While the organisation's account is open; deleted within 30 days of closure.", ids: ["M11.3"] },
  { data: "Audit trail", kept: "7 years. It holds no raw personal data, so erasure and purges leave it whole.", ids: ["B3.4", "M5.2"] },
  { data: "Sign-in sessions", kept: "Until sign-out, 30 idle minutes, or 12 hours at most.", ids: ["M3.3"] },
  { data: "Encrypted backups", kept: "30 daily, 12 monthly and 7 yearly copies, then deleted.", ids: ["M8.2"] },
];

export const LAWFUL_BASES: readonly LawfulBasis[] = [
  { data: "Member and beneficiary records, dues, programs", basis: "Contract with the member, or the organisation's legitimate interests in running its programs" },
  { data: "Payments, donor receipts, financial records", basis: "Legal obligation (accounting and tax law)" },
  { data: "Welfare cases and their notes", basis: "Explicit consent of the person the case concerns, or vital interests where they cannot consent" },
  { data: "Member directory listing", basis: "Consent: each member decides whether they appear" },
  { data: "Security logs, audit trail, sign-in records", basis: "Legitimate interests in keeping the service and its data secure" },
];
