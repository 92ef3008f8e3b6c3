import { randomBytes } from "node:crypto";
import type pg from "pg";
import { capabilitiesOf, can, type Capability, type RoleName } from "../../lib/authz/capabilities";
import type { ActionRoute } from "../../tests/support/route-manifest";
import { DEMO_PASSWORD, PORT, rawRequest } from "./app";
import { serverDatabase } from "./dues";

/**
 * What e2e/fuzz.spec.ts sends and where: two organisations of its own (a club
 * and an NGO, made through the platform services, so every row the spec can
 * touch is its alone), the hostile values, and a base form for every action.
 */
export const CLUB_ROLES = ["TREASURER", "ADMIN", "MEMBER"] as const satisfies readonly RoleName[];
export const NGO_ROLES = ["ADMIN", "PROGRAM_MANAGER", "FIELD_MANAGER"] as const satisfies readonly RoleName[];

export type FuzzPerson = { org: "club" | "ngo"; role: RoleName; email: string; cookie: string };

export type FuzzWorld = {
  club: { id: string; slug: string; memberId: string; planId: string; invoiceId: string; draftId: string; donorId: string; receiptId: string; welfareCaseId: string; disbursementId: string };
  ngo: { id: string; slug: string; programId: string; locationId: string; beneficiaryId: string; batchId: string };
  people: FuzzPerson[];
};

/**
 * Query values as they travel, already percent-encoded: NUL and other C0,
 * a lone surrogate and bytes that are not UTF-8 (which no decoder can turn
 * into a string), a bare "%", an RTL override, a huge exponent, a negative
 * number, SQL and a template.
 */
export const QUERY_VALUES = ["a%00b", "a%07b%1B%7F", "%ED%A0%80", "%FF%FE", "%", "%E2%80%AEevil", "1e309", "-1", "'%20OR%201%3D1--", "%7B%7B7*7%7D%7D%24%7Bx%7D"];
/** The long value goes to two names at a time, so the request line stays under Node's header limit. */
export const LONG_QUERY_VALUE = "x".repeat(5_000);

/**
 * Form values. The lone surrogate travels as its WTF-8 bytes (a browser
 * would send U+FFFD; a hand-made request need not); JSON bodies carry it as
 * an escape, which does decode to a lone surrogate.
 */
export const FORM_VALUES: { label: string; value: string | Buffer; refusedByRule: boolean }[] = [
  { label: "NUL", value: "a\u0000b", refusedByRule: true },
  { label: "C0", value: "a\u0007b\u001b[0m", refusedByRule: true },
  { label: "lone surrogate bytes", value: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]), refusedByRule: false },
  { label: "RTL override", value: "\u202eevil\u202c", refusedByRule: false },
  { label: "5,000 characters", value: "x".repeat(5_000), refusedByRule: false },
  { label: "1e309", value: "1e309", refusedByRule: false },
  { label: "SQL", value: "'; DROP TABLE member; --", refusedByRule: false },
  { label: "template", value: "{{7*7}}${7*7}<script>", refusedByRule: false },
];

/** The names every page and handler reads from its query string, and a few it does not. */
export const QUERY_NAMES = ["q", "archived", "actor", "action", "target", "from", "to", "before", "after", "state", "planId", "period", "verify", "card", "payment", "next", "error", "token", "sent", "organization", "id", "page"];

/** Signs in over HTTP as the form does; the session cookie. */
export async function sessionCookie(slug: string, email: string): Promise<string> {
  const host = `${slug}.localhost:${PORT}`;
  const answer = await rawRequest({
    host,
    path: "/login/submit",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${host}`, "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, next: "/" }).toString(),
  });
  const cookie = (answer.headers["set-cookie"] ?? []).find((c) => c.includes("harambee.session="));
  if (answer.status !== 303 || !cookie) throw new Error(`signing in ${email}: ${answer.status}`);
  return cookie.split(";")[0];
}

/** The spec's own club and NGO, their people and objects, through the services the app uses. */
export async function arrangeFuzzWorld(): Promise<FuzzWorld> {
  serverDatabase();
  const { platformSystemActor, memberActor } = await import("../../lib/authz/actor");
  const { createOrganization, addPersonToOrganization } = await import("../../lib/services/organizations");
  const { createMember } = await import("../../lib/services/members");
  const { createPlan } = await import("../../lib/services/dues-plans");
  const { issueInvoice } = await import("../../lib/services/dues");
  const { recordDonation } = await import("../../lib/services/donations");
  const { createProgram, createLocation } = await import("../../lib/services/programs");
  const { openWelfareCase } = await import("../../lib/services/welfare-cases");
  const { requestDisbursement } = await import("../../lib/services/welfare-disbursements");
  const { createBeneficiary } = await import("../../lib/services/beneficiaries");
  const { uploadBatch } = await import("../../lib/services/batches");
  const { beneficiaryFile } = await import("../../prisma/seed-batches");
  const platform = platformSystemActor("fuzz", ["platform:provision"]);
  const tag = randomBytes(4).toString("hex");

  const people: Omit<FuzzPerson, "cookie">[] = [];
  const organisation = async (org: "club" | "ngo", roles: readonly RoleName[]) => {
    const slug = `fuzz-${org}-${tag}`;
    const { id } = await createOrganization(platform, { slug, name: `Fuzz ${org} ${tag}`, kind: org === "club" ? "CLUB" : "NGO" });
    const actors = {} as Record<RoleName, ReturnType<typeof memberActor>>;
    for (const role of roles) {
      const email = `${role.toLowerCase().replace("_", "-")}@${slug}.test`;
      const { userId } = await addPersonToOrganization(platform, { organizationId: id, email, name: `${role} ${slug}`, password: DEMO_PASSWORD, role });
      actors[role] = memberActor({ organizationId: id, userId, email, role, ip: "127.0.0.1" });
      people.push({ org, role, email });
    }
    return { id, slug, actors };
  };

  const club = await organisation("club", CLUB_ROLES);
  const treasurer = club.actors.TREASURER;
  const member = await createMember(treasurer, { firstName: "Fuzz", lastName: "Payer" });
  const plan = await createPlan(treasurer, { name: `Fuzz plan ${tag}`, currency: "KES", amount: "1500", periodKind: "MONTHLY" });
  const invoice = await issueInvoice(treasurer, { memberId: member.id, planId: plan.id, period: "2060-61-M01" });
  const draft = await issueInvoice(treasurer, { memberId: member.id, planId: plan.id, period: "2060-61-M02", draft: true });
  const gift = await recordDonation(treasurer, { name: "Fuzz Donor", method: "CASH", currency: "KES", amount: "100", receivedOn: new Date().toISOString().slice(0, 10) });
  const welfareCase = await openWelfareCase(treasurer, { memberId: member.id, category: "HARDSHIP", title: "Fuzz case", notes: "Fuzz notes" });
  // Requested by the admin, so the treasurer (the primary person) could approve it.
  const disbursement = await requestDisbursement(club.actors.ADMIN, { caseId: welfareCase.id, amount: "100", method: "CASH", reason: "Fuzz" });

  const ngo = await organisation("ngo", NGO_ROLES);
  const admin = ngo.actors.ADMIN;
  const program = await createProgram(admin, { name: `Fuzz program ${tag}` });
  const location = await createLocation(admin, { programId: program.id, name: `Fuzz location ${tag}` });
  const beneficiary = await createBeneficiary(admin, { locationId: location.id, firstName: "Fuzz", lastName: "Beneficiary", householdSize: 3 });
  const batch = await uploadBatch(admin, { locationId: location.id, fileName: "fuzz.csv", body: Buffer.from(beneficiaryFile(20, { prefix: 90000 + Math.floor(Math.random() * 9999), bad: 2 }).csv) });

  const signedIn: FuzzPerson[] = [];
  for (const person of people) signedIn.push({ ...person, cookie: await sessionCookie(person.org === "club" ? club.slug : ngo.slug, person.email) });
  return {
    club: { id: club.id, slug: club.slug, memberId: member.id, planId: plan.id, invoiceId: invoice.id, draftId: draft.id, donorId: gift.donorId, receiptId: gift.receiptId, welfareCaseId: welfareCase.id, disbursementId: disbursement.id },
    ngo: { id: ngo.id, slug: ngo.slug, programId: program.id, locationId: location.id, beneficiaryId: beneficiary.id, batchId: batch.id },
    people: signedIn,
  };
}

/**
 * Every action's fields, well-formed but for the one the spec makes hostile.
 * A new action in the manifest needs an entry here, or the spec stops with its name.
 * Forms that would change a login for good are made to be refused anyway: a
 * wrong current password, a wrong code.
 */
export function baseForm(route: ActionRoute, world: FuzzWorld): Record<string, string> {
  const { club, ngo } = world;
  const today = new Date().toISOString().slice(0, 10);
  const forms: Record<string, Record<string, string>> = {
    platformSignIn: { email: "nobody@fuzz.test", password: "not-the-password" },
    platformSignOut: {},
    confirmPlatformTwoFactorAction: { secret: "JBSWY3DPEHPK3PXP", code: "000000" },
    verifyPlatformSecondFactorAction: { code: "000000" },
    suspendOrganizationAction: { organizationId: club.id },
    restoreOrganizationAction: { organizationId: club.id },
    sendIncidentNoticeAction: { organizationIds: club.id, subject: "Fuzz", body: "Fuzzing the notice form" },
    sendSubprocessorNoticeAction: { subject: "Fuzz", body: "Fuzzing the notice form" },
    resetPasswordAction: { token: "not-a-token", password: "not-the-password", confirm: "not-the-password" },
    logout: {},
    endSessionsAction: { sessionId: "" },
    changePasswordAction: { current: "not-the-password", password: "Another-Password-2026!", confirm: "Another-Password-2026!" },
    confirmTwoFactorAction: { secret: "JBSWY3DPEHPK3PXP", code: "000000" },
    disableTwoFactorAction: { password: "not-the-password", code: "000000" },
    verifySecondFactorAction: { code: "000000" },
    createMemberAction: { firstName: "Fuzz", lastName: "Created", email: "", phone: "", nin: "", bvn: "", dateOfBirth: "", address: "" },
    updateMemberAction: { id: club.memberId, firstName: "Fuzz", lastName: "Payer", email: "", phone: "", nin: "", bvn: "", dateOfBirth: "", address: "" },
    archiveMemberAction: { id: club.memberId },
    linkMemberLoginAction: { memberId: club.memberId, userId: "" },
    createPlanAction: { name: "Fuzz plan", level: "INDIVIDUAL", currency: "KES", amount: "100", periodKind: "ANNUAL", dueDays: "30", graceDays: "90" },
    setPlanActiveAction: { planId: club.planId, active: "true" },
    enrolMemberAction: { memberId: club.memberId, planId: club.planId, payerId: "" },
    issuePeriodAction: { planId: club.planId, period: "2061-62-M01" },
    issueInvoiceAction: { memberId: club.memberId, planId: club.planId, period: "2061-62-M02" },
    openInvoiceAction: { invoiceId: club.draftId },
    voidInvoiceAction: { invoiceId: club.invoiceId, reason: "Fuzzing the void form" },
    recordPaymentAction: { invoiceId: club.invoiceId, method: "CASH", amount: "1", reference: "FUZZ-REF", paidOn: today, phone: "" },
    setPaymentCredentialAction: { provider: "MPESA_DARAJA", shortcode: "174379", passkey: "fuzz-passkey", consumerKey: "fuzz-consumer", consumerSecret: "fuzz-secret" },
    createProgramAction: { name: "Fuzz program", description: "" },
    createLocationAction: { programId: ngo.programId, name: "Fuzz location" },
    createBeneficiaryAction: { locationId: ngo.locationId, firstName: "Fuzz", lastName: "Registered", householdSize: "2" },
    updateBeneficiaryAction: { id: ngo.beneficiaryId, firstName: "Fuzz", lastName: "Beneficiary", householdSize: "3" },
    processBatchAction: { id: ngo.batchId },
    discardBatchAction: { id: ngo.batchId },
    setRetentionAction: { piiRetentionDays: "7", purgeIdentifiers: "" },
    grantSupportAccessAction: { hours: "1" },
    revokeSupportAccessAction: {},
    payByCardAction: { invoiceId: club.invoiceId },
    payByMpesaAction: { invoiceId: club.invoiceId, phone: "0712345678" },
    openWelfareCaseAction: { memberId: club.memberId, category: "MEDICAL", title: "Fuzz case", notes: "Fuzz notes" },
    updateWelfareNotesAction: { caseId: club.welfareCaseId, notes: "Fuzz notes" },
    closeWelfareCaseAction: { caseId: club.welfareCaseId },
    requestDisbursementAction: { caseId: club.welfareCaseId, amount: "100", currency: "KES", method: "CASH", phone: "", reason: "Fuzz" },
    approveDisbursementAction: { disbursementId: club.disbursementId },
    rejectDisbursementAction: { disbursementId: club.disbursementId },
    recordDisbursementPaidAction: { disbursementId: club.disbursementId, method: "CASH", reference: "FUZZ-PAID" },
    payDisbursementByMpesaAction: { disbursementId: club.disbursementId },
    markB2cPayoutFailedAction: { disbursementId: club.disbursementId },
    recordB2cPayoutPaidAction: { disbursementId: club.disbursementId, receipt: "TLA00FUZZ1", paidOn: today },
    payLinkByCardAction: { token: "not-a-token" },
    payLinkByMpesaAction: { token: "not-a-token", phone: "0712345678" },
    recordDonationAction: { name: "Fuzz Giver", email: "", phone: "", address: "", method: "CASH", currency: "KES", amount: "10", fund: "", reference: "", description: "", receivedOn: today },
    correctReceiptAction: { receiptId: club.receiptId, currency: "KES", amount: "100", fund: "", reason: "Fuzzing the correction form" },
    giveByMpesaAction: { name: "Fuzz Giver", email: "", address: "", amount: "100", fund: "", phone: "0712345678", idempotencyKey: "00000000-0000-4000-8000-000000000000" },
    giveByCardAction: { name: "Fuzz Card Giver", email: "", address: "", amount: "100", fund: "", idempotencyKey: "00000000-0000-4000-8000-000000000001" },
  };
  const form = forms[route.name];
  if (!form) throw new Error(`the fuzz suite has no form for action ${route.name}: add one to e2e/support/fuzz.ts`);
  return form;
}

/** The person whose form an action is fuzzed field by field: the first of the spec's people it is meant for. */
export function primaryPerson(route: ActionRoute, people: readonly FuzzPerson[]): FuzzPerson {
  const entitled = (p: FuzzPerson) => route.access === "public" || route.access === "signed-in" || can({ capabilities: capabilitiesOf(p.role) }, route.access);
  const ngoFirst = /programs|beneficiaries/.test(route.file);
  const ordered = ngoFirst ? [...people.filter((p) => p.org === "ngo"), ...people.filter((p) => p.org === "club")] : people;
  return ordered.find(entitled) ?? ordered[0];
}

/** Every row the spec's organisations hold, table by table (every table with organization_id), and their audit chains. */
export async function rowCounts(db: pg.Client, organizationIds: string[]): Promise<Record<string, number>> {
  const tables = (
    await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name",
    )
  ).rows.map((r) => r.table_name);
  const sql = tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}" WHERE organization_id = ANY($1::uuid[])`).join(" UNION ALL ");
  const { rows } = await db.query<{ t: string; n: number }>(sql, [organizationIds]);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

/** What changed between two counts: table → difference. */
export function changes(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys({ ...before, ...after }).flatMap((t) => ((after[t] ?? 0) !== (before[t] ?? 0) ? [[t, (after[t] ?? 0) - (before[t] ?? 0)]] : [])));
}

/** The first of the spec's people in one organisation who holds a capability. */
export function holderOf(people: readonly FuzzPerson[], org: FuzzPerson["org"], capability: Capability): FuzzPerson {
  const person = people.find((p) => p.org === org && can({ capabilities: capabilitiesOf(p.role) }, capability));
  if (!person) throw new Error(`nobody in the fuzz ${org} holds ${capability}`);
  return person;
}
