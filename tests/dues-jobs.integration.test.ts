import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { addDays, calendarDateOf, daysBetween } from "@/lib/dues/calendar-date";
import { verifyPayLink } from "@/lib/dues/pay-link";
import { periodContaining, type DuesPeriod } from "@/lib/dues/periods";
import { env } from "@/lib/env";
import { ISSUE_LEAD_DAYS, issueDuesInvoices } from "@/lib/jobs/dues-invoices";
import { sendDuesReminders } from "@/lib/jobs/dues-reminders";
import { payableInvoiceByLink } from "@/lib/queries/payable-invoices";
import { issueInvoice } from "@/lib/services/dues";
import { createPlan, enrolMember } from "@/lib/services/dues-plans";
import { ALREADY_REMINDED, sendDuesReminder } from "@/lib/services/dues-reminders";
import { archiveMember, createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { organizationOrigin } from "@/lib/tenancy/origin";
import { connectAs } from "./support/database";
import { captureLogLines } from "./support/stderr";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

let owner: pg.Client;
beforeAll(async () => {
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const today = () => calendarDateOf(new Date(), "Africa/Nairobi");
const tag = () => randomBytes(4).toString("hex");

const invoicesOf = (orgId: string) =>
  withTenant(orgId, (tx) => tx.duesInvoice.findMany({ where: { organizationId: orgId }, select: { memberId: true, planId: true, period: true, coveredMemberIds: true } }));

describe("the scheduled dues invoicing (dues.issue-invoices)", () => {
  /** A club with an annual plan (two members) and a quarterly family bundle (a payer and a child). */
  async function clubWithPlans(prefix: string) {
    const org = await createTestOrganization(prefix);
    const t = org.actors.TREASURER;
    const annual = await createPlan(t, { name: "Annual", currency: "KES", amount: "12000", periodKind: "ANNUAL" });
    const family = await createPlan(t, { name: "Family", level: "FAMILY", currency: "KES", amount: "4000", periodKind: "QUARTERLY" });
    const [one, two, parent, child] = await Promise.all(["One", "Two", "Parent", "Child"].map((lastName) => createMember(org.actors.ADMIN, { firstName: "Njeri", lastName })));
    await enrolMember(t, { memberId: one.id, planId: annual.id });
    await enrolMember(t, { memberId: two.id, planId: annual.id });
    await enrolMember(t, { memberId: parent.id, planId: family.id });
    await enrolMember(t, { memberId: child.id, planId: family.id, payerId: parent.id });
    return { org, annual, family, members: { one, two, parent, child } };
  }
  const target = () => addDays(today(), ISSUE_LEAD_DAYS);

  test("[P3] issues the coming period's invoices for every active enrolment, and a second run issues none", async () => {
    const club = await clubWithPlans("invoicing");
    const first = await captureLogLines(issueDuesInvoices);
    expect(first.outcome.status).toBe("fulfilled");
    const invoices = await invoicesOf(club.org.id);
    expect(invoices).toHaveLength(3);
    expect(invoices.filter((i) => i.planId === club.annual.id).map((i) => i.period)).toEqual([periodContaining("ANNUAL", target()).key, periodContaining("ANNUAL", target()).key]);
    const bundle = invoices.find((i) => i.planId === club.family.id)!;
    expect(bundle).toMatchObject({ memberId: club.members.parent.id, period: periodContaining("QUARTERLY", target()).key });
    expect(bundle.coveredMemberIds.sort()).toEqual([club.members.parent.id, club.members.child.id].sort());
    // One line per organisation with its counts, and no name, email or phone in it.
    const line = first.lines.find((l) => l.organizationId === club.org.id);
    expect(line).toMatchObject({ level: "info", job: "dues.issue-invoices", plans: 2, issued: 3 });
    expect(Object.keys(line!).sort()).toEqual(["at", "issued", "job", "level", "message", "organizationId", "plans"]);

    const second = await captureLogLines(issueDuesInvoices);
    expect(second.outcome.status).toBe("fulfilled");
    expect(second.lines.find((l) => l.organizationId === club.org.id)).toMatchObject({ issued: 0 });
    expect(await invoicesOf(club.org.id)).toHaveLength(3);
    // Audited once per plan: the second run changed nothing and wrote nothing.
    const issued = await withTenant(club.org.id, (tx) => tx.auditEntry.count({ where: { action: "dues.issue_period" } }));
    expect(issued).toBe(2);
  });

  test("one organisation failing is logged, the others are still invoiced, and the retry finishes the job", async () => {
    const failing = await clubWithPlans("invoicing-fails");
    const healthy = await clubWithPlans("invoicing-healthy");
    await owner.query(`CREATE OR REPLACE FUNCTION test_refuse_invoice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await owner.query(`CREATE TRIGGER test_refuse_invoice BEFORE INSERT ON dues_invoice FOR EACH ROW WHEN (NEW.organization_id = '${failing.org.id}') EXECUTE FUNCTION test_refuse_invoice()`);
    let run;
    try {
      run = await captureLogLines(issueDuesInvoices);
    } finally {
      await owner.query("DROP TRIGGER test_refuse_invoice ON dues_invoice; DROP FUNCTION test_refuse_invoice()");
    }
    expect(run.outcome).toMatchObject({ status: "rejected", reason: { message: expect.stringContaining(failing.org.id) } });
    expect(run.lines.find((l) => l.organizationId === failing.org.id)).toMatchObject({ level: "error", job: "dues.issue-invoices", message: "dues invoicing failed for an organisation" });
    expect(await invoicesOf(failing.org.id)).toHaveLength(0);
    expect(await invoicesOf(healthy.org.id)).toHaveLength(3);

    const retry = await captureLogLines(issueDuesInvoices);
    expect(retry.outcome.status).toBe("fulfilled");
    expect(await invoicesOf(failing.org.id)).toHaveLength(3);
    expect(await invoicesOf(healthy.org.id)).toHaveLength(3);
  });
});

describe("the scheduled dues reminders (dues.send-reminders)", () => {
  let club: TestOrganization;
  const invoices: Record<string, { id: string; email: string | null; memberId: string }> = {};

  /** A monthly plan whose `period` invoice falls due `dueIn` days from today (negative: in the past). */
  async function planDue(name: string, period: DuesPeriod, dueIn: number, graceDays = 90) {
    const dueDays = daysBetween(period.start, addDays(today(), dueIn));
    return createPlan(club.actors.TREASURER, { name, currency: "KES", amount: "1500", periodKind: "MONTHLY", dueDays, graceDays });
  }
  async function invoiceFor(key: string, planId: string, period: DuesPeriod, options: { email?: boolean } = {}) {
    const email = options.email === false ? null : `${key}-${tag()}@example.org`;
    const member = await createMember(club.actors.ADMIN, { firstName: key, lastName: "Payer", ...(email ? { email } : {}) });
    const invoice = await issueInvoice(club.actors.TREASURER, { memberId: member.id, planId, period: period.key });
    invoices[key] = { id: invoice.id, email, memberId: member.id };
  }
  const outboxTo = async (email: string) => (await owner.query<{ subject: string; text: string; html: string }>(`SELECT subject, text, html FROM email_outbox WHERE "to" = $1`, [email])).rows;
  const remindersOf = async (invoiceId: string) =>
    withTenant(club.id, (tx) => tx.duesReminder.findMany({ where: { invoiceId }, select: { stage: true } })).then((rows) => rows.map((r) => r.stage));

  beforeAll(async () => {
    club = await createTestOrganization("reminders");
    const thisMonth = periodContaining("MONTHLY", today());
    const lastMonth = periodContaining("MONTHLY", addDays(thisMonth.start, -1));
    const soon = await planDue("Due in three days", thisMonth, 3);
    const later = await planDue("Due in twenty days", thisMonth, 20);
    const late = await planDue("Due two days ago", lastMonth, -2);
    const lapsed = await planDue("Due two days ago, no grace", lastMonth, -2, 0);
    await invoiceFor("soon", soon.id, thisMonth);
    await invoiceFor("later", later.id, thisMonth);
    await invoiceFor("late", late.id, lastMonth);
    await invoiceFor("lapsed", lapsed.id, lastMonth);
    await invoiceFor("paid", soon.id, thisMonth);
    await invoiceFor("noEmail", soon.id, thisMonth, { email: false });
    await invoiceFor("archived", late.id, lastMonth);
    await recordPayment(club.actors.TREASURER, { invoiceId: invoices.paid.id, method: "CASH", amount: "1500", reference: `R-${tag()}`, paidOn: today() });
    await archiveMember(club.actors.ADMIN, { id: invoices.archived.memberId });
  });

  test("[P3] emails a week before the due date and once overdue, each stage once, and says in the log whom it skipped and why", async () => {
    const run = await captureLogLines(sendDuesReminders);
    expect(run.outcome.status).toBe("fulfilled");
    const [soon] = await outboxTo(invoices.soon.email!);
    expect(soon.subject).toMatch(/^Your dues for .+ are due on /);
    expect(soon.text.replace(/\u00a0/g, " ")).toContain("come to Ksh 1,500.00");
    const [late] = await outboxTo(invoices.late.email!);
    expect(late.subject).toMatch(/^Your dues for .+ are overdue$/);
    expect(await remindersOf(invoices.soon.id)).toEqual(["due-soon"]);
    expect(await remindersOf(invoices.late.id)).toEqual(["overdue"]);
    // Not yet in the window, lapsed, paid, archived, no address: nothing sent, nothing recorded.
    for (const key of ["later", "lapsed", "paid", "archived"]) expect(await outboxTo(invoices[key].email!), key).toEqual([]);
    for (const key of ["later", "lapsed", "paid", "archived", "noEmail"]) expect(await remindersOf(invoices[key].id), key).toEqual([]);
    const line = run.lines.find((l) => l.organizationId === club.id);
    expect(line).toMatchObject({ level: "info", job: "dues.send-reminders", sent: 2, alreadySent: 0, skippedNoEmail: 1, skippedArchived: 1 });
    expect(JSON.stringify(run.lines)).not.toContain("@example.org");

    const again = await captureLogLines(sendDuesReminders);
    expect(again.outcome.status).toBe("fulfilled");
    expect(again.lines.find((l) => l.organizationId === club.id)).toMatchObject({ sent: 0, skippedNoEmail: 1, skippedArchived: 1 });
    expect(await outboxTo(invoices.soon.email!)).toHaveLength(1);
    expect(await outboxTo(invoices.late.email!)).toHaveLength(1);
    await expect(sendDuesReminder(club.actors.TREASURER, { invoiceId: invoices.soon.id })).rejects.toMatchObject({ code: "CONFLICT", message: ALREADY_REMINDED });
  });

  test("[P3] the email's link is signed for that one invoice and opens it on the club's own origin, without signing in", async () => {
    const [email] = await outboxTo(invoices.late.email!);
    const link = /Pay now: (\S+)/.exec(email.text)![1];
    const prefix = `${organizationOrigin(club.slug)}/pay/`;
    expect(prefix).toBe(`https://${club.slug}.${env().APP_ROOT_DOMAIN}/pay/`);
    expect(link.startsWith(prefix)).toBe(true);
    expect(email.html).toContain(`<a href="${link}">Pay now</a>`);
    const token = link.slice(prefix.length);
    expect(await verifyPayLink(token, { organizationId: club.id, secret: env().AUTH_SECRET })).toMatchObject({ ok: true, invoiceId: invoices.late.id });
    expect(await payableInvoiceByLink(club.id, token)).toMatchObject({ ok: true, invoice: { invoiceId: invoices.late.id, balanceMinor: 150_000, closed: null } });
    const other = await createTestOrganization("reminders-other");
    expect(await verifyPayLink(token, { organizationId: other.id, secret: env().AUTH_SECRET })).toEqual({ ok: false, reason: "invalid" });
  });

  test("[B3.3] each reminder is audited on the invoice, with its stage and the system actor, and no address", async () => {
    const entries = await withTenant(club.id, (tx) =>
      tx.auditEntry.findMany({ where: { action: "dues.remind", targetId: invoices.late.id }, select: { actorLabel: true, targetType: true, summary: true, after: true } }),
    );
    expect(entries).toEqual([{ actorLabel: "dues reminders (scheduled)", targetType: "DuesInvoice", summary: "Dues reminder sent (overdue)", after: { stage: "overdue", balanceMinor: 150_000, currency: "KES" } }]);
  });

  test("a treasurer's reminder is refused for a member without an address, an archived member or a paid invoice, and records nothing", async () => {
    for (const key of ["noEmail", "archived", "paid"]) {
      await expect(sendDuesReminder(club.actors.TREASURER, { invoiceId: invoices[key].id }), key).rejects.toMatchObject({ code: "INVALID" });
      expect(await remindersOf(invoices[key].id), key).toEqual([]);
    }
    await expect(sendDuesReminder(club.actors.MEMBER, { invoiceId: invoices.later.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
