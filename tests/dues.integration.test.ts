import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { invoicePaidMinor } from "@/lib/queries/ledger";
import { ALREADY_ISSUED, issueInvoice, issuePeriod, openInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan, enrolMember } from "@/lib/services/dues-plans";
import { createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

let club: TestOrganization;
let other: TestOrganization;

beforeAll(async () => {
  club = await createTestOrganization("dues");
  other = await createTestOrganization("dues-other");
});
afterAll(() => disconnectAll());

const auditFor = (orgId: string, targetId: string) =>
  withTenant(orgId, (tx) => tx.auditEntry.findMany({ where: { targetId }, orderBy: { seq: "asc" } }));
const invoicesOf = (orgId: string, planId: string) =>
  withTenant(orgId, (tx) => tx.duesInvoice.findMany({ where: { planId }, select: { id: true, memberId: true, coveredMemberIds: true, amountMinor: true, currency: true, dueOn: true } }));
const member = (lastName: string) => createMember(club.actors.ADMIN, { firstName: "Achieng", lastName });

describe("dues plans and invoices through the service layer", () => {
  test("a plan's amount is typed in its currency and stored in minor units, never as a float", async () => {
    const plan = await createPlan(club.actors.TREASURER, { name: "Monthly", currency: "kes", amount: "1,250.50", periodKind: "MONTHLY" });
    expect(plan).toMatchObject({ amountMinor: 125_050, currency: "KES", periodKind: "MONTHLY", dueDays: 30, graceDays: 90 });
    await expect(createPlan(club.actors.TREASURER, { name: "Bad", currency: "KES", amount: "12.345", periodKind: "ANNUAL" })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { amount: [expect.stringContaining("KES")] },
    });
  });

  test("a family bundle is one invoice to the payer covering every member of it, due dueDays after the Rotary period starts", async () => {
    const plan = await createPlan(club.actors.TREASURER, { name: "Family quarterly", level: "FAMILY", currency: "KES", amount: "6000", periodKind: "QUARTERLY", dueDays: 14 });
    const [parent, child, single] = [await member("Parent"), await member("Child"), await member("Single")];
    await enrolMember(club.actors.TREASURER, { memberId: parent.id, planId: plan.id });
    await enrolMember(club.actors.TREASURER, { memberId: child.id, planId: plan.id, payerId: parent.id });
    await enrolMember(club.actors.TREASURER, { memberId: single.id, planId: plan.id });

    expect(await issuePeriod(club.actors.TREASURER, { planId: plan.id, period: "2026-27-Q2" })).toEqual({ period: "2026-27-Q2", issued: 2 });
    const invoices = await invoicesOf(club.id, plan.id);
    const family = invoices.find((i) => i.memberId === parent.id)!;
    expect(family.coveredMemberIds.sort()).toEqual([parent.id, child.id].sort());
    expect(family).toMatchObject({ amountMinor: 600_000, currency: "KES", dueOn: new Date("2026-10-15T00:00:00Z") });
    expect(invoices.find((i) => i.memberId === single.id)!.coveredMemberIds).toEqual([single.id]);
  });

  test("issuing a period twice bills nobody twice: the second run is refused and writes no audit entry", async () => {
    const plan = await createPlan(club.actors.TREASURER, { name: "Annual twice", currency: "KES", amount: "12000", periodKind: "ANNUAL" });
    for (const name of ["One", "Two", "Three"]) await enrolMember(club.actors.TREASURER, { memberId: (await member(name)).id, planId: plan.id });
    const runs = await Promise.allSettled([
      issuePeriod(club.actors.TREASURER, { planId: plan.id, period: "2026-27" }),
      issuePeriod(club.actors.TREASURER, { planId: plan.id, period: "2026-27" }),
    ]);
    await expect(issuePeriod(club.actors.TREASURER, { planId: plan.id, period: "2026-27" })).rejects.toMatchObject({ code: "CONFLICT", message: ALREADY_ISSUED });
    expect(await invoicesOf(club.id, plan.id)).toHaveLength(3);
    expect(runs.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await auditFor(club.id, plan.id)).toHaveLength(2); // created, issued once
  });

  test("an individual plan has no bundle, and a period of another plan's kind is refused", async () => {
    const plan = await createPlan(club.actors.TREASURER, { name: "Individual", currency: "KES", amount: "100", periodKind: "ANNUAL" });
    const [payer, dependant] = [await member("Payer"), await member("Dependant")];
    await enrolMember(club.actors.TREASURER, { memberId: payer.id, planId: plan.id });
    await expect(enrolMember(club.actors.TREASURER, { memberId: dependant.id, planId: plan.id, payerId: payer.id })).rejects.toMatchObject({ code: "INVALID" });
    await expect(issueInvoice(club.actors.TREASURER, { memberId: payer.id, planId: plan.id, period: "2026-27-Q1" })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { period: [expect.any(String)] },
    });
  });

  test("[M4.4] another club's plan, member or invoice is not found, and nothing is written", async () => {
    const { invoice, plan, member: theirs } = await createTestInvoice(other);
    await expect(issueInvoice(club.actors.TREASURER, { memberId: theirs.id, planId: plan.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "CASH", amount: "10", reference: "X-1", paidOn: "2026-11-01" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(voidInvoice(club.actors.TREASURER, { invoiceId: invoice.id, reason: "Not ours" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await withTenant(other.id, (tx) => invoicePaidMinor(tx, other.id, invoice.id))).toBe(0);
  });

  test("[M4.4] a member or viewer cannot issue, record or void", async () => {
    const { invoice, plan, member: payer } = await createTestInvoice(club);
    for (const actor of [club.actors.MEMBER, club.actors.VIEWER]) {
      await expect(issueInvoice(actor, { memberId: payer.id, planId: plan.id, period: "2027-28" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(recordPayment(actor, { invoiceId: invoice.id, method: "CASH", amount: "10", reference: "X-2", paidOn: "2026-11-01" })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(voidInvoice(actor, { invoiceId: invoice.id, reason: "No" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });
});

describe("[B3.3] every dues payment, void and manual payment is audited with actor, IP and before/after", () => {
  test("a bank payment: the invoice's paid amount before and after, the payment's reference; the balance is the ledger's", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "12000" });
    const payment = await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "BANK", amount: "4,500", reference: "EQ-778812", paidOn: "2026-11-03" });
    expect(payment.paidMinor).toBe(450_000);
    expect(await withTenant(club.id, (tx) => invoicePaidMinor(tx, club.id, invoice.id))).toBe(450_000);
    const entry = (await auditFor(club.id, invoice.id)).at(-1)!;
    expect(entry).toMatchObject({ action: "payment.record", actorId: club.actors.TREASURER.userId, ip: "203.0.113.7", before: { paidMinor: 0 } });
    expect(entry.after).toMatchObject({ paidMinor: 450_000, payment: { id: payment.id, method: "BANK", amountMinor: 450_000, reference: "EQ-778812" } });
  });

  test("an M-Pesa receipt taken at the till: encrypted, never in the audit entry, and recorded once", async () => {
    const { invoice } = await createTestInvoice(club);
    const till = { invoiceId: invoice.id, method: "MPESA", amount: "1000", reference: "TLL8KQ2ZP1", phone: "+254 722 111 000", paidOn: "2026-11-04" };
    await recordPayment(club.actors.TREASURER, till);
    await expect(recordPayment(club.actors.TREASURER, { ...till, reference: "tll8kq2zp1" })).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { reference: [expect.any(String)] } });
    const entries = await auditFor(club.id, invoice.id);
    expect(entries.filter((e) => e.action === "payment.record")).toHaveLength(1);
    expect(JSON.stringify(entries.at(-1)!.after)).not.toMatch(/TLL8KQ2ZP1|722111000/i);
    expect(entries.at(-1)!.after).toMatchObject({ payment: { mpesaReceipt: "[set]", payerPhone: "[set]" } });
  });

  test("more than the balance, or a payment on a draft or void invoice, is refused and changes nothing", async () => {
    const { invoice, plan, member: payer } = await createTestInvoice(club, { amount: "5000" });
    await expect(recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "CASH", amount: "5000.01", reference: "C-1", paidOn: "2026-11-01" })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { amount: ["More than is owed"] },
    });
    const draft = await issueInvoice(club.actors.TREASURER, { memberId: payer.id, planId: plan.id, period: "2027-28", draft: true });
    await expect(recordPayment(club.actors.TREASURER, { invoiceId: draft.id, method: "CASH", amount: "10", reference: "C-2", paidOn: "2026-11-01" })).rejects.toMatchObject({ code: "INVALID" });
    await openInvoice(club.actors.TREASURER, { invoiceId: draft.id });
    await recordPayment(club.actors.TREASURER, { invoiceId: draft.id, method: "CASH", amount: "10", reference: "C-2", paidOn: "2026-11-01" });
    expect(await withTenant(club.id, (tx) => invoicePaidMinor(tx, club.id, invoice.id))).toBe(0);
  });

  test("a void needs a reason, is refused while money is on the invoice, and records status before and after", async () => {
    const paid = await createTestInvoice(club);
    await recordPayment(club.actors.TREASURER, { invoiceId: paid.invoice.id, method: "CASH", amount: "100", reference: "C-3", paidOn: "2026-11-01" });
    await expect(voidInvoice(club.actors.TREASURER, { invoiceId: paid.invoice.id, reason: "Duplicate invoice" })).rejects.toMatchObject({ code: "INVALID" });
    await expect(voidInvoice(club.actors.TREASURER, { invoiceId: paid.invoice.id, reason: "" })).rejects.toMatchObject({ fieldErrors: { reason: [expect.any(String)] } });

    const { invoice } = await createTestInvoice(club);
    await voidInvoice(club.actors.TREASURER, { invoiceId: invoice.id, reason: "Member left in July" });
    const entry = (await auditFor(club.id, invoice.id)).at(-1)!;
    expect(entry).toMatchObject({ action: "dues.void", ip: "203.0.113.7", before: { status: "OPEN" }, after: { status: "VOID", reason: "Member left in July" } });
    await expect(recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "CASH", amount: "10", reference: "C-4", paidOn: "2026-11-01" })).rejects.toMatchObject({ code: "INVALID" });
  });
});
