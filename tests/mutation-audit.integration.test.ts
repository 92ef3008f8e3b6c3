import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { platformActor, platformSystemActor, type Actor, type IdentitySubject, type PlatformActor, type SessionSubject } from "@/lib/authz/actor";
import { newTotpSecret, recoveryCodeHash } from "@/lib/auth/totp";
import { disconnectAll } from "@/lib/db/clients";
import { donationVisitorActor } from "@/lib/services/donations";
import { mpesaActor } from "@/lib/services/mpesa-payments";
import { mutationRegistry, type MutationKind } from "@/lib/services/mutation";
import { createPlatformAdmin } from "@/lib/services/organizations";
import { stripeActor } from "@/lib/services/card-settlements";
import { attachmentKey, uploadAttachment } from "@/lib/services/attachments";
import { uploadBatch } from "@/lib/services/batches";
import { beneficiaryRows, toCsv } from "@/prisma/seed-batches";
import { PNG } from "./support/attachment-files";
import { connectAs } from "./support/database";
import { TEST_ACTOR, TEST_PASSWORD, createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Every registered mutation — a member's (defineMutation), one crossing the
 * tenant line (definePlatformMutation) and a person's change to their own
 * login (defineIdentityMutation) — writes exactly one audit entry on each
 * chain it touches, with its own action code (promise M5.1): a member's on
 * the organisation's chain, an identity change on its side's (the
 * organisation's, or the platform's on the apex), a platform change on the
 * platform chain and each organisation's it names. Every service module is
 * loaded, so every mutation registers; each needs a sample below, or this
 * test fails naming it.
 */
type Subject = Actor | PlatformActor | IdentitySubject | ReturnType<typeof platformSystemActor>;
type Sample = (o: TestOrganization) => Promise<[Subject, unknown]>;

let org: TestOrganization;
let platformAdmin: PlatformActor;
let owner: pg.Client;

/** The public donation page's visitor in the organisation. */
const giver = (o: TestOrganization) => donationVisitorActor({ organizationId: o.id, ip: "203.0.113.50", origin: `http://${o.slug}.localhost` });
const call = (action: string, subject: Subject, input: unknown) => (mutationRegistry.get(action)!.mutate as (s: Subject, raw: unknown) => Promise<unknown>)(subject, input);

beforeAll(async () => {
  const dir = path.resolve(import.meta.dirname, "../lib/services");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) await import(path.join(dir, file));
  org = await createTestOrganization("mutations", "NGO");
  const email = `platform-${org.slug}@harambee.test`;
  const admin = await createPlatformAdmin(TEST_ACTOR, { email, name: "Platform Admin", password: TEST_PASSWORD });
  platformAdmin = platformActor({ id: admin.id, email, isPlatformAdmin: true, districtAdminOfId: null }, "198.51.100.9");
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const sampleMember = async (o: TestOrganization) => (await call("member.create", o.actors.ADMIN, { firstName: "Sample", lastName: "Member" })) as { id: string };
const sampleProgram = async (o: TestOrganization) => (await call("program.create", o.actors.ADMIN, { name: `Program ${randomBytes(4).toString("hex")}` })) as { id: string };
const sampleLocation = async (o: TestOrganization) =>
  (await call("location.create", o.actors.ADMIN, { programId: (await sampleProgram(o)).id, name: "Sample location" })) as { id: string };
const sampleBeneficiary = async (o: TestOrganization) =>
  (await call("beneficiary.create", o.actors.ADMIN, { locationId: (await sampleLocation(o)).id, firstName: "Sample", lastName: "Person", householdSize: 3 })) as { id: string };
async function sampleBatch(o: TestOrganization) {
  const locationId = (await sampleLocation(o)).id;
  const csv = toCsv(beneficiaryRows(2, { prefix: 10000 + Math.floor(Math.random() * 80000) }));
  return uploadBatch(o.actors.ADMIN, { locationId, fileName: "audit.csv", body: Buffer.from(csv) });
}
const samplePlan = async (o: TestOrganization, level = "INDIVIDUAL") =>
  (await call("dues_plan.create", o.actors.TREASURER, { name: `Plan ${randomBytes(4).toString("hex")}`, level, currency: "KES", amount: "9000", periodKind: "ANNUAL" })) as { id: string };
async function sampleInvoice(o: TestOrganization, options: { draft?: boolean } = {}) {
  const member = await sampleMember(o);
  return (await call("dues.issue", o.actors.TREASURER, { memberId: member.id, planId: (await samplePlan(o)).id, draft: options.draft ?? false })) as { id: string };
}

/** What a Stripe event says about a card payment of a new invoice (lib/payments/stripe.ts paymentFacts). */
async function sampleCardFact<K extends "paid" | "pending">(o: TestOrganization, kind: K) {
  const invoice = await sampleInvoice(o);
  return { kind, paymentIntentId: `pi_${randomBytes(8).toString("hex")}`, organizationId: o.id, invoiceId: invoice.id, amountMinor: 900_000, currency: "KES", paidAt: new Date() };
}

/** A pending STK payment's CheckoutRequestID, as startMpesaPayment leaves it. */
async function samplePendingMpesa(o: TestOrganization) {
  const checkoutRequestId = `ws_CO_sample_${randomBytes(4).toString("hex")}`;
  await call("payment.mpesa_requested", o.actors.MEMBER, { invoiceId: (await sampleInvoice(o)).id, checkoutRequestId, amountMinor: 900_000, phone: "+254712000444" });
  return checkoutRequestId;
}

/** What the attachment service records after it has checked and stored a file. */
async function attachmentRecord(o: TestOrganization, parent: "beneficiary" | "welfare", parentId: string) {
  const id = randomUUID();
  return { id, parentId, fileName: "audit.png", mime: "image/png", bytes: PNG.length, sha256: createHash("sha256").update(PNG).digest("hex"), storageKey: attachmentKey(o.id, parent, parentId, id) };
}
/** A welfare case, and a disbursement on it requested by the admin (so the treasurer may decide it), approved when asked. */
async function sampleCase(o: TestOrganization) {
  return (await call("welfare_case.open", o.actors.TREASURER, { memberId: (await sampleMember(o)).id, title: "Sample case", notes: "Confidential" })) as { id: string };
}
async function sampleDisbursement(o: TestOrganization, options: { approved?: boolean; mpesa?: boolean } = {}) {
  const fields = options.mpesa ? { method: "MPESA", phone: "0712 000 555" } : { method: "CASH" };
  const { id } = (await call("welfare_disbursement.request", o.actors.ADMIN, { caseId: (await sampleCase(o)).id, amount: "500", reason: "Sample", ...fields })) as { id: string };
  if (options.approved) await call("welfare_disbursement.approve", o.actors.TREASURER, { disbursementId: id });
  return id;
}
/** A payout sent to M-Pesa (B2C), waiting for its result: its OriginatorConversationID. */
async function samplePayout(o: TestOrganization) {
  const originatorConversationId = randomUUID();
  await call("welfare_disbursement.mpesa_requested", o.actors.TREASURER, { disbursementId: await sampleDisbursement(o, { approved: true, mpesa: true }), originatorConversationId });
  return originatorConversationId;
}

/** A payout M-Pesa has not confirmed for a day: only then may a treasurer mark it failed or record it as paid. */
async function unconfirmedPayout(o: TestOrganization) {
  const reference = await samplePayout(o);
  await owner.query("UPDATE payment SET created_at = now() - interval '25 hours' WHERE reference = $1", [reference]);
  const { rows } = await owner.query<{ id: string }>("SELECT d.id FROM welfare_disbursement d JOIN payment p ON p.id = d.payment_id WHERE p.reference = $1", [reference]);
  return rows[0].id;
}

/** A new person of the organisation: identity samples change their login, never a role's the other samples use. */
async function samplePerson(o: TestOrganization): Promise<IdentitySubject & { organizationId: string; userId: string }> {
  const email = `person-${randomBytes(4).toString("hex")}@${o.slug}.test`;
  const { userId } = (await call("membership.create", TEST_ACTOR, { organizationId: o.id, email, name: "Sample Person", password: TEST_PASSWORD, role: "MEMBER" })) as {
    userId: string;
  };
  return { organizationId: o.id, userId, label: email, ip: "198.51.100.30" };
}
async function sampleSession(o: TestOrganization): Promise<SessionSubject> {
  const person = await samplePerson(o);
  return { ...person, sessionId: (await call("auth.login", person, { userAgent: "vitest" })) as string };
}
async function sampleApexSession(): Promise<SessionSubject> {
  const subject = { organizationId: null, userId: platformAdmin.userId, label: platformAdmin.label, ip: platformAdmin.ip };
  return { ...subject, sessionId: (await call("auth.platform_login", subject, { userAgent: "vitest" })) as string };
}
const STEP_MS = 30_000;
const codeAt = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });
/** A session whose person has two-factor on, with a known secret and recovery code, enrolled at `now`. */
async function sampleTwoFactorSession(o: TestOrganization, now: number) {
  const session = await sampleSession(o);
  const secret = newTotpSecret();
  const recoveryCode = "abcd-efgh-ijkm-npqr";
  await call("auth.two_factor_enabled", session, { secret, step: Math.floor(now / STEP_MS), recoveryCodeHashes: [recoveryCodeHash(recoveryCode)], now });
  return { session, secret, recoveryCode };
}
const tokenHash = () => createHash("sha256").update(randomBytes(32)).digest("hex");

/** One valid call per action: the subject and the input (setting up what it needs first). */
const SAMPLES: Record<string, Sample> = {
  "member.create": async (o) => [o.actors.ADMIN, { firstName: "Audit", lastName: "Sample" }],
  "member.update": async (o) => [o.actors.ADMIN, { id: (await sampleMember(o)).id, firstName: "Audit", lastName: "Edited" }],
  "member.archive": async (o) => [o.actors.ADMIN, { id: (await sampleMember(o)).id }],
  "member.import": async (o) => [o.actors.TREASURER, { rows: [{ row: 2, firstName: "Imported", lastName: "Sample", email: `imported-${randomBytes(4).toString("hex")}@example.org` }] }],
  "member.export": async (o) => [o.actors.VIEWER, { archived: "1" }],
  "program.create": async (o) => [o.actors.ADMIN, { name: "Audited program" }],
  "location.create": async (o) => [o.actors.ADMIN, { programId: (await sampleProgram(o)).id, name: "Audited location" }],
  "beneficiary.create": async (o) => [o.actors.ADMIN, { locationId: (await sampleLocation(o)).id, firstName: "Audit", lastName: "Sample", householdSize: 2 }],
  "batch.upload": async (o) => [
    o.actors.ADMIN,
    { id: randomUUID(), locationId: (await sampleLocation(o)).id, fileName: "audit.csv", bytes: 10, sha256: "0".repeat(64), objectKey: "audit/sample", rows: [{ rowNumber: 2, errors: "nin: NIN must be 11 digits", data: null, nin: null, bvn: null, inFileDuplicate: false }] },
  ],
  "batch.process": async (o) => [o.actors.ADMIN, { id: (await sampleBatch(o)).id }],
  "batch.discard": async (o) => [o.actors.ADMIN, { id: (await sampleBatch(o)).id }],
  "batch.import_chunk": async (o) => {
    const { id } = await sampleBatch(o);
    await call("batch.process", o.actors.ADMIN, { id });
    return [o.actors.ADMIN, { id }];
  },
  "batch.purge": async (o) => [o.actors.ADMIN, { id: (await sampleBatch(o)).id }],
  "beneficiary.attachment.add": async (o) => [o.actors.ADMIN, await attachmentRecord(o, "beneficiary", (await sampleBeneficiary(o)).id)],
  "beneficiary.attachment.remove": async (o) => {
    const parentId = (await sampleBeneficiary(o)).id;
    return [o.actors.ADMIN, { id: (await uploadAttachment(o.actors.ADMIN, { parent: "beneficiary", parentId, fileName: "a.png", body: PNG })).id, parentId }];
  },
  "welfare.attachment.add": async (o) => [o.actors.TREASURER, await attachmentRecord(o, "welfare", (await sampleCase(o)).id)],
  "welfare.attachment.remove": async (o) => {
    const parentId = (await sampleCase(o)).id;
    return [o.actors.TREASURER, { id: (await uploadAttachment(o.actors.TREASURER, { parent: "welfare", parentId, fileName: "a.png", body: PNG })).id, parentId }];
  },
  "organization.set_retention": async (o) => [o.actors.OWNER, { piiRetentionDays: 14, purgeIdentifiers: "on" }],
  "beneficiary.update": async (o) => [o.actors.ADMIN, { id: (await sampleBeneficiary(o)).id, firstName: "Audit", lastName: "Edited", householdSize: 4 }],
  "donor.create": async (o) => [o.actors.TREASURER, { name: "Audit Donor Ltd", email: "donor@example.org" }],
  "donation.record": async (o) => [o.actors.TREASURER, { name: "Audit Giver", phone: "+254712000555", method: "CASH", currency: "KES", amount: "1500", receivedOn: "2026-11-02" }],
  "donation.start": async (o) => [giver(o), { name: "Audit Giver", phone: "+254712000666", amount: "500", idempotencyKey: randomUUID() }],
  "donation.mpesa_requested": async (o) => {
    const { donationId } = (await call("donation.start", giver(o), { name: "Audit Giver", amount: "700", idempotencyKey: randomUUID() })) as { donationId: string };
    return [giver(o), { donationId, checkoutRequestId: `ws_CO_${randomBytes(6).toString("hex")}`, phone: "+254712000777" }];
  },
  "donor_receipt.correct": async (o) => {
    const { receiptId } = (await call("donation.record", o.actors.TREASURER, { name: "Audit Giver", method: "BANK", currency: "KES", amount: "900", reference: "EFT-1", receivedOn: "2026-11-02" })) as { receiptId: string };
    return [o.actors.TREASURER, { receiptId, currency: "KES", amount: "90", reason: "Typing error" }];
  },
  "payment_credential.set": async (o) => [o.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_sampleSecret", webhookSecret: "whsec_sampleSecret" }],
  "welfare_case.open": async (o) => [o.actors.TREASURER, { memberId: (await sampleMember(o)).id, title: "Hospital bill", notes: "Confidential" }],
  "welfare_case.notes_update": async (o) => [o.actors.ADMIN, { caseId: (await sampleCase(o)).id, notes: "Edited" }],
  "welfare_case.close": async (o) => [o.actors.ADMIN, { caseId: (await sampleCase(o)).id }],
  "welfare_disbursement.request": async (o) => [o.actors.OWNER, { caseId: (await sampleCase(o)).id, amount: "250", method: "CASH", reason: "Food" }],
  "welfare_disbursement.approve": async (o) => [o.actors.TREASURER, { disbursementId: await sampleDisbursement(o) }],
  "welfare_disbursement.reject": async (o) => [o.actors.TREASURER, { disbursementId: await sampleDisbursement(o) }],
  "welfare_disbursement.record_paid": async (o) => [o.actors.TREASURER, { disbursementId: await sampleDisbursement(o, { approved: true }), method: "BANK", reference: `FT-${randomBytes(4).toString("hex")}` }],
  "welfare_disbursement.mpesa_requested": async (o) => [o.actors.TREASURER, { disbursementId: await sampleDisbursement(o, { approved: true, mpesa: true }), originatorConversationId: randomUUID() }],
  "welfare_disbursement.mpesa_paid": async (o) => [
    mpesaActor(o.id, "196.201.214.200"),
    { originatorConversationId: await samplePayout(o), transactionReceipt: `B2C${randomBytes(4).toString("hex").toUpperCase().slice(0, 7)}`, amountMinor: 50_000, paidAt: new Date(), rawPayload: "{}" },
  ],
  "welfare_disbursement.mpesa_failed": async (o) => [mpesaActor(o.id, "196.201.214.200"), { originatorConversationId: await samplePayout(o), reason: "ResultCode 2001", rawPayload: null }],
  "welfare_disbursement.mpesa_marked_failed": async (o) => [o.actors.TREASURER, { disbursementId: await unconfirmedPayout(o) }],
  "welfare_disbursement.mpesa_recorded_paid": async (o) => [
    o.actors.TREASURER,
    { disbursementId: await unconfirmedPayout(o), receipt: `TLA${randomBytes(4).toString("hex").toUpperCase().slice(0, 7)}`, paidOn: new Date().toISOString().slice(0, 10) },
  ],
  "membership.assign_unit": async (o) => [o.actors.ADMIN, { userId: o.actors.PROGRAM_MANAGER.userId, unitId: (await sampleProgram(o)).id }],
  "membership.change_role": async (o) => [o.actors.OWNER, { userId: o.actors.VIEWER.userId, role: "MEMBER" }],
  "membership.remove": async (o) => [o.actors.OWNER, { userId: o.actors.FIELD_MANAGER.userId }],
  "audit.export": async (o) => [o.actors.ADMIN, { action: "member." }],
  "dues_plan.create": async (o) => [o.actors.TREASURER, { name: "Audited plan", currency: "KES", amount: "12000", periodKind: "QUARTERLY" }],
  "dues_plan.set_active": async (o) => [o.actors.TREASURER, { planId: (await samplePlan(o)).id, active: false }],
  "dues.enrol": async (o) => [o.actors.TREASURER, { memberId: (await sampleMember(o)).id, planId: (await samplePlan(o)).id }],
  "dues.unenrol": async (o) => {
    const member = await sampleMember(o);
    await call("dues.enrol", o.actors.TREASURER, { memberId: member.id, planId: (await samplePlan(o)).id });
    return [o.actors.TREASURER, { memberId: member.id }];
  },
  "dues.issue": async (o) => [o.actors.TREASURER, { memberId: (await sampleMember(o)).id, planId: (await samplePlan(o)).id, period: "2026-27" }],
  "dues.issue_period": async (o) => {
    const plan = await samplePlan(o, "FAMILY");
    const [payer, child] = [await sampleMember(o), await sampleMember(o)];
    await call("dues.enrol", o.actors.TREASURER, { memberId: payer.id, planId: plan.id });
    await call("dues.enrol", o.actors.TREASURER, { memberId: child.id, planId: plan.id, payerId: payer.id });
    return [o.actors.TREASURER, { planId: plan.id, period: "2026-27" }];
  },
  "dues.open": async (o) => [o.actors.TREASURER, { invoiceId: (await sampleInvoice(o, { draft: true })).id }],
  "dues.void": async (o) => [o.actors.TREASURER, { invoiceId: (await sampleInvoice(o)).id, reason: "Member left the club" }],
  "payment.record": async (o) => [o.actors.TREASURER, { invoiceId: (await sampleInvoice(o)).id, method: "BANK", amount: "2000", reference: "EQ-0001", paidOn: "2026-11-02" }],
  "payment.mpesa_requested": async (o) => [o.actors.MEMBER, { invoiceId: (await sampleInvoice(o)).id, checkoutRequestId: "ws_CO_sample", amountMinor: 900_000, phone: "+254712000444" }],
  "dues.remind": async (o) => {
    const member = (await call("member.create", o.actors.ADMIN, { firstName: "Sample", lastName: "Payer", email: `payer-${randomBytes(4).toString("hex")}@example.org` })) as { id: string };
    const invoice = (await call("dues.issue", o.actors.TREASURER, { memberId: member.id, planId: (await samplePlan(o)).id })) as { id: string };
    return [o.actors.TREASURER, { invoiceId: invoice.id }];
  },
  "payment.card_paid": async (o) => [stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "payment_intent.succeeded", fact: await sampleCardFact(o, "paid") }],
  "payment.card_pending": async (o) => [stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "checkout.session.completed", fact: await sampleCardFact(o, "pending") }],
  "payment.card_failed": async (o) => {
    const pending = await sampleCardFact(o, "pending");
    await call("payment.card_pending", stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "checkout.session.completed", fact: pending });
    return [stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "payment_intent.payment_failed", fact: { ...pending, kind: "failed", reason: "Your card was declined." } }];
  },
  "payment.card_refunded": async (o) => {
    const paid = await sampleCardFact(o, "paid");
    await call("payment.card_paid", stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "payment_intent.succeeded", fact: paid });
    const { paymentIntentId, organizationId, invoiceId, currency, paidAt } = paid;
    const fact = { kind: "refunded", paymentIntentId, organizationId, invoiceId, currency, refundedMinor: 300_000, chargedMinor: 900_000, chargedAt: paidAt };
    return [stripeActor(o.id), { eventId: `evt_${randomBytes(8).toString("hex")}`, eventType: "charge.refunded", fact }];
  },
  "payment.mpesa_paid": async (o) => [mpesaActor(o.id, "196.201.214.200"), { checkoutRequestId: await samplePendingMpesa(o), receiptNumber: "SAMPLE0001", amountMinor: 900_000, paidAt: new Date(), rawPayload: "{}" }],
  "payment.mpesa_failed": async (o) => [mpesaActor(o.id), { checkoutRequestId: await samplePendingMpesa(o), resultCode: 1032, reason: "You cancelled the request on your phone.", rawPayload: "{}" }],
  "payment.mpesa_rejected": async (o) => [mpesaActor(o.id), { checkoutRequestId: await samplePendingMpesa(o), receiptNumber: "SAMPLE0002", reason: "Another amount", rawPayload: "{}" }],
  "member.link_login": async (o) => [o.actors.OWNER, { memberId: (await sampleMember(o)).id, userId: o.actors.MEMBER.userId }],

  "support.grant": async (o) => [o.actors.OWNER, { hours: 4 }],
  "support.revoke": async (o) => {
    await call("support.grant", o.actors.OWNER, { hours: 1 });
    return [o.actors.OWNER, {}];
  },
  "support.access": async (o) => {
    await call("support.grant", o.actors.OWNER, { hours: 1 });
    return [platformAdmin, { organizationId: o.id, now: new Date() }];
  },
  "support.access_denied": async (o) => [platformAdmin, { organizationId: o.id, now: new Date() }],
  "organization.suspend": async (o) => [platformAdmin, { organizationId: o.id }],
  "organization.restore": async (o) => {
    await call("organization.suspend", platformAdmin, { organizationId: o.id });
    return [platformAdmin, { organizationId: o.id }];
  },
  "notice.incident": async (o) => [platformAdmin, { organizationIds: [o.id], subject: "Sample incident", body: "A sample incident notice for the audit test." }],
  "notice.subprocessor": async () => [platformAdmin, { subject: "Sample sub-processor change", body: "A sample sub-processor change for the audit test." }],
  "organization.create": async () => [TEST_ACTOR, { slug: `created-${randomBytes(4).toString("hex")}`, name: "Created Club", kind: "CLUB" }],
  "membership.create": async (o) => [TEST_ACTOR, { organizationId: o.id, email: `added-${randomBytes(4).toString("hex")}@example.org`, name: "Added", password: TEST_PASSWORD, role: "VIEWER" }],
  "platform_admin.create": async () => [TEST_ACTOR, { email: `pa-${randomBytes(4).toString("hex")}@harambee.test`, name: "PA", password: TEST_PASSWORD }],
  "district_admin.create": async () => {
    await call("organization.create", TEST_ACTOR, { slug: `district-${randomBytes(4).toString("hex")}`, name: "District Club", kind: "CLUB", districtCode: "D-AUDIT" });
    return [TEST_ACTOR, { email: `da-${randomBytes(4).toString("hex")}@harambee.test`, name: "DA", password: TEST_PASSWORD, districtCode: "D-AUDIT" }];
  },
  "keys.rotate": async () => [platformSystemActor("keys:rotate", ["platform:keys"]), { keyId: "dev", rotated: { "Member.email": 1 }, remaining: 0 }],
  "keys.reindex": async () => [platformSystemActor("keys:reindex", ["platform:keys"]), { rotated: { "Member.email": 1 }, remaining: 0, legacy: 0 }],

  "auth.login": async (o) => [await samplePerson(o), { userAgent: "vitest" }],
  "auth.login_failed": async (o) => [{ organizationId: o.id, userId: null, label: "unknown account", ip: "198.51.100.31" }, {}],
  "auth.logout": async (o) => [await sampleSession(o), {}],
  "auth.sessions_ended": async (o) => [await sampleSession(o), {}],
  "auth.login_rate_limited": async (o) => [{ organizationId: o.id, userId: null, label: "rate limiter", ip: "198.51.100.32" }, {}],
  "auth.reset_rate_limited": async (o) => [{ organizationId: o.id, userId: null, label: "rate limiter", ip: "198.51.100.32" }, {}],
  "auth.totp_rate_limited": async (o) => [{ organizationId: o.id, userId: null, label: "rate limiter", ip: "198.51.100.32" }, {}],
  "auth.password_changed": async (o) => [await sampleSession(o), { passwordHash: "$argon2id$sample" }],
  "auth.reset_requested": async (o) => [await samplePerson(o), { tokenHash: tokenHash(), now: new Date() }],
  "auth.password_reset": async (o) => {
    const person = await samplePerson(o);
    const hash = tokenHash();
    await call("auth.reset_requested", person, { tokenHash: hash, now: new Date() });
    const { rows } = await owner.query<{ id: string }>("SELECT id FROM password_reset_token WHERE token_hash = $1", [hash]);
    return [person, { tokenId: rows[0].id, passwordHash: "$argon2id$sample", now: new Date() }];
  },
  "auth.two_factor_enabled": async (o) => [await sampleSession(o), { secret: newTotpSecret(), step: 1, recoveryCodeHashes: [], now: Date.now() }],
  "auth.two_factor_failed": async (o) => [await sampleSession(o), { reason: "wrongCode" }],
  "auth.second_factor": async (o) => {
    const now = Date.now();
    const { session, secret } = await sampleTwoFactorSession(o, now);
    return [session, { code: codeAt(secret, now + STEP_MS), now: now + STEP_MS }];
  },
  "auth.recovery_code_used": async (o) => {
    const { session, recoveryCode } = await sampleTwoFactorSession(o, Date.now());
    return [session, { code: recoveryCode, now: Date.now() }];
  },
  "auth.two_factor_disabled": async (o) => {
    const now = Date.now();
    const { session, secret } = await sampleTwoFactorSession(o, now);
    return [session, { code: codeAt(secret, now + STEP_MS), now: now + STEP_MS }];
  },
  "auth.platform_login": async () => [{ organizationId: null, userId: platformAdmin.userId, label: platformAdmin.label, ip: platformAdmin.ip }, { userAgent: "vitest" }],
  "auth.platform_login_failed": async () => [{ organizationId: null, userId: null, label: "unknown account", ip: "198.51.100.33" }, {}],
  "auth.platform_logout": async () => [await sampleApexSession(), {}],
};

/** Entries per chain ("platform" for the platform's), over the whole database. */
async function chainLengths(): Promise<Map<string, number>> {
  const { rows } = await owner.query<{ chain: string; n: number }>("SELECT coalesce(organization_id::text, 'platform') AS chain, count(*)::int AS n FROM audit_entry GROUP BY 1");
  return new Map(rows.map((r) => [r.chain, r.n]));
}

async function lastAction(chain: string): Promise<string> {
  const where = chain === "platform" ? "organization_id IS NULL" : "organization_id = $1";
  const { rows } = await owner.query<{ action: string }>(`SELECT action FROM audit_entry WHERE ${where} ORDER BY seq DESC LIMIT 1`, chain === "platform" ? [] : [chain]);
  return rows[0].action;
}

/** The chain an identity change lands on: its side's. */
const sideOf = (subject: Subject) => ("organizationId" in subject ? (subject.organizationId ?? "platform") : "platform");

describe("every registered mutation is audited", () => {
  test("[M5.1] every service module's mutations are registered, and each has a sample here", () => {
    expect(mutationRegistry.size).toBeGreaterThan(40);
    const missing = [...mutationRegistry.keys()].filter((action) => !SAMPLES[action]);
    expect(missing, "add a sample call for each new mutation to tests/mutation-audit.integration.test.ts").toEqual([]);
    expect(Object.keys(SAMPLES).filter((action) => !mutationRegistry.has(action)), "samples for mutations that no longer exist").toEqual([]);
  });

  test("[M5.1] each registered mutation writes exactly one audit entry on each chain it touches, with its own action code", async () => {
    const problems: string[] = [];
    const kinds = new Map<MutationKind, number>();
    for (const [action, { kind }] of [...mutationRegistry].sort(([a], [b]) => a.localeCompare(b))) {
      const sample = SAMPLES[action];
      if (!sample) continue; // reported by the test above
      const [subject, input] = await sample(org);
      const before = await chainLengths();
      await call(action, subject, input);
      const after = await chainLengths();
      const touched = [...after].filter(([chain, n]) => n !== (before.get(chain) ?? 0)).map(([chain, n]) => [chain, n - (before.get(chain) ?? 0)] as const);
      const expected = kind === "tenant" ? [org.id] : kind === "identity" ? [sideOf(subject)] : ["platform"];
      if (touched.some(([, n]) => n !== 1)) problems.push(`${action}: wrote ${JSON.stringify(touched)}`);
      const chains = touched.map(([chain]) => chain);
      if (kind === "platform" ? !chains.includes("platform") : chains.join() !== expected.join()) problems.push(`${action} (${kind}): touched ${chains.join()} instead of ${expected.join()}`);
      for (const chain of chains) if ((await lastAction(chain)) !== action) problems.push(`${action}: the last entry on ${chain} is ${await lastAction(chain)}`);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(problems).toEqual([]);
    // All three wrappers are exercised.
    expect([...kinds.keys()].sort()).toEqual(["identity", "platform", "tenant"]);
  });
});
