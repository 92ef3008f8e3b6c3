import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { capabilitiesOf, ROLES } from "@/lib/authz/capabilities";
import { disconnectAll } from "@/lib/db/clients";
import { daysBetween } from "@/lib/dues/calendar-date";
import { FIGURES, loadDashboard, type DashboardFigure } from "@/lib/queries/dashboard";
import { getInvoice } from "@/lib/queries/dues";
import { issueInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan } from "@/lib/services/dues-plans";
import { createMember } from "@/lib/services/members";
import { recordDonation } from "@/lib/services/donations";
import { recordPayment } from "@/lib/services/payments";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { createUnitOrganization, type UnitOrganization } from "./support/units";

/**
 * The treasurer's dashboard (promise P7): each figure equals what the
 * ledger's services say, worked out here invoice by invoice and payment by
 * payment; each viewer sees only the figures their capabilities allow; and
 * loading the page costs the same few queries whatever the club's size.
 */
let club: TestOrganization;
let other: TestOrganization;
let ngo: UnitOrganization;
const TODAY = "2026-07-15";
const issued: string[] = [];
const payments: { amountMinor: number; paidOn: string }[] = [];
const gifts: { amountMinor: number; receivedOn: string }[] = [];

const numbersOf = (figures: DashboardFigure[], key: string) =>
  Object.fromEntries(figures.find((f) => f.key === key)!.numbers.map((n) => [n.key, n.value]));

beforeAll(async () => {
  club = await createTestOrganization("dashboard");
  other = await createTestOrganization("dashboard-other");
  ngo = await createUnitOrganization("dashboard-ngo");
  const treasurer = club.actors.TREASURER;
  const monthly = await createPlan(treasurer, { name: "Monthly", currency: "KES", amount: "1000", periodKind: "MONTHLY", dueDays: 0, graceDays: 60 });
  const issue = async (period: string, draft = false) => {
    const member = await createMember(club.actors.ADMIN, { firstName: "Akinyi", lastName: `Dash ${period}` });
    const invoice = await issueInvoice(treasurer, { memberId: member.id, planId: monthly.id, period, draft });
    issued.push(invoice.id);
    return invoice;
  };
  const pay = async (invoiceId: string, amount: string, paidOn: string) => {
    await recordPayment(treasurer, { invoiceId, method: "CASH", amount, reference: `R-${invoiceId.slice(0, 8)}-${payments.length}`, paidOn });
    payments.push({ amountMinor: Number(amount) * 100, paidOn });
  };
  // Due the first of each month (Rotary year 2026-27 starts 1 July 2026), so 15 July 2026 sees every age.
  await issue("2025-26-M01"); // due 2025-07-01: before the twelve months, still owed
  const september = await issue("2025-26-M03");
  await pay(september.id, "300", "2025-10-02");
  await issue("2025-26-M08");
  const may = await issue("2025-26-M11");
  await pay(may.id, "1000", "2026-05-20");
  const june = await issue("2025-26-M12");
  await pay(june.id, "250", "2026-06-30");
  await issue("2026-27-M01");
  await issue("2026-27-M02", true); // a draft is not invoiced
  const voided = await issue("2026-27-M01");
  await voidInvoice(treasurer, { invoiceId: voided.id, reason: "Issued twice" });
  // Another club's dues and payments never count here.
  const elsewhere = await createTestInvoice(other);
  await recordPayment(other.actors.TREASURER, { invoiceId: elsewhere.invoice.id, method: "CASH", amount: "500", reference: "R-OTHER", paidOn: "2026-07-01" });
  const give = async (organization: TestOrganization, amount: string, receivedOn: string) => {
    await recordDonation(organization.actors.TREASURER, { name: "Wanjiru Giver", method: "CASH", currency: "KES", amount, receivedOn });
    if (organization === club) gifts.push({ amountMinor: Number(amount) * 100, receivedOn });
  };
  await give(club, "999", "2025-07-31"); // the month before the twelve
  await give(club, "500", "2025-08-01");
  await give(club, "1200", "2026-07-15");
  await give(other, "700", "2026-07-01");
  const patient = await createMember(club.actors.ADMIN, { firstName: "Otieno", lastName: "Welfare" });
  await openWelfareCase(treasurer, { memberId: patient.id, category: "MEDICAL", title: "Hospital bill", notes: "Admitted on Monday" });
  await openWelfareCase(treasurer, { memberId: patient.id, category: "BEREAVEMENT", title: "Bereavement", notes: "Funeral on Saturday" });
});
afterAll(() => disconnectAll());

describe("[P7] the dashboard's figures are the ledger's sums", () => {
  test("[P7] dues invoiced and collected per month, and arrears by age, equal the sums of each invoice and payment", async () => {
    const invoices = await Promise.all(issued.map((id) => getInvoice(club.actors.TREASURER, id, TODAY)));
    const window = (day: string) => day >= "2025-08-01" && day <= "2026-07-31";
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const invoiced = invoices.filter((i) => i.status === "OPEN" && window(day(i.dueOn))).reduce((sum, i) => sum + i.amountMinor, 0);
    const collected = payments.filter((p) => window(p.paidOn)).reduce((sum, p) => sum + p.amountMinor, 0);
    const age = (dueOn: Date) => {
      const late = daysBetween(day(dueOn), TODAY);
      return late <= 30 ? "0-30" : late <= 90 ? "31-90" : "90+";
    };
    const owed = { "0-30": 0, "31-90": 0, "90+": 0 };
    for (const i of invoices) if (i.state === "overdue" || i.state === "lapsed") owed[age(i.dueOn)] += i.balanceMinor;

    const figures = await loadDashboard(club.actors.TREASURER, TODAY);
    expect(numbersOf(figures, "dues-per-month")).toEqual({ "invoiced-KES": invoiced, "collected-KES": collected });
    expect(numbersOf(figures, "arrears-by-age")).toEqual({ "arrears-0-30-KES": owed["0-30"], "arrears-31-90-KES": owed["31-90"], "arrears-90+-KES": owed["90+"] });
    // The figures are not trivially zero: every bucket holds a debt.
    expect(Object.values(owed).every((v) => v > 0)).toBe(true);
    expect([invoiced, collected]).toEqual([6 * 100_000 - 100_000, 155_000]);

    const chart = figures.find((f) => f.key === "dues-per-month")!.charts[0];
    expect(chart.currency).toBe("KES");
    expect(chart.rows).toHaveLength(12);
    expect(chart.rows.reduce((sum, r) => sum + Number(r.collected), 0)).toBe(collected / 100);
    expect(chart.rows.at(-1)).toMatchObject({ invoiced: 1000, collected: 0 });
  });

  test("[P7] donations per month equal the gifts received in the twelve months of the books", async () => {
    const figures = await loadDashboard(club.actors.TREASURER, TODAY);
    const received = gifts.filter((g) => g.receivedOn >= "2025-08-01" && g.receivedOn <= "2026-07-31").reduce((sum, g) => sum + g.amountMinor, 0);
    expect(received).toBe(170_000);
    expect(numbersOf(figures, "donations-per-month")).toEqual({ "donations-KES": received });
    const chart = figures.find((f) => f.key === "donations-per-month")!.charts[0];
    expect(chart.rows).toHaveLength(12);
    expect(chart.rows[0]).toMatchObject({ received: 500 });
    expect(chart.rows.at(-1)).toMatchObject({ received: 1200 });
  });

  test("[P7] welfare cases by status and beneficiaries per location are counts of the records", async () => {
    const figures = await loadDashboard(club.actors.TREASURER, TODAY);
    expect(numbersOf(figures, "welfare-cases")).toEqual({ "welfare-open": 2 });
    const manager = await loadDashboard(ngo.people["program-manager"], TODAY);
    const inReach = ngo.seeded.beneficiaries.filter((b) => [ngo.seeded.locations["Food Relief/Ikeja"], ngo.seeded.locations["Food Relief/Agege"]].includes(b.locationId));
    expect(numbersOf(manager, "beneficiaries-per-location")).toEqual({ [`program-${ngo.seeded.programs["Food Relief"]}`]: inReach.length });
    const owner = await loadDashboard(ngo.actors.OWNER, TODAY);
    expect(Object.values(numbersOf(owner, "beneficiaries-per-location")).reduce((a, b) => a + b, 0)).toBe(ngo.seeded.beneficiaries.length);
  });
});

describe("[P7] a viewer sees only the figures their capabilities allow", () => {
  test("[P7] each role gets exactly the figures whose capabilities it holds; a member and a program manager see no money", async () => {
    for (const role of ROLES) {
      const figures = await loadDashboard(club.actors[role], TODAY);
      const allowed = FIGURES.filter((f) => f.capabilities.every((c) => capabilitiesOf(role).has(c))).map((f) => f.key);
      expect(figures.map((f) => f.key), role).toEqual(allowed);
    }
    expect(await loadDashboard(club.actors.MEMBER, TODAY)).toEqual([]);
    const manager = await loadDashboard(ngo.people["program-manager"], TODAY);
    expect(manager.map((f) => f.key)).toEqual(["beneficiaries-per-location", "batches-by-status"]);
    expect(manager.flatMap((f) => f.numbers).every((n) => n.currency === null)).toBe(true);
  });
});

describe("[P7] the dashboard's data load is a fixed number of queries", () => {
  /** Statements sent to PostgreSQL while `fn` runs (every pooled connection is a pg.Client). */
  async function statements(fn: () => Promise<unknown>): Promise<number> {
    const spy = vi.spyOn(pg.Client.prototype, "query");
    try {
      await fn();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  test("[P7] loading every figure costs the same statements with 9 members or 159, at most a transaction's three per figure", async () => {
    const before = await statements(() => loadDashboard(club.actors.TREASURER, TODAY));
    const plan = await createPlan(club.actors.TREASURER, { name: "Annual", currency: "KES", amount: "500", periodKind: "ANNUAL", dueDays: 0, graceDays: 30 });
    for (let i = 0; i < 150; i++) {
      const member = await createMember(club.actors.ADMIN, { firstName: "Kamau", lastName: `Bulk ${i}` });
      const invoice = await issueInvoice(club.actors.TREASURER, { memberId: member.id, planId: plan.id, period: "2026-27" });
      if (i % 2) await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "BANK", amount: "100", reference: `BULK-${i}`, paidOn: "2026-07-10" });
    }
    const after = await statements(() => loadDashboard(club.actors.TREASURER, TODAY));
    const figures = (await loadDashboard(club.actors.TREASURER, TODAY)).length;
    expect(before).toBeGreaterThanOrEqual(figures);
    expect(after).toBe(before);
    // BEGIN (carrying the tenant), the figure's one query, COMMIT.
    expect(after).toBeLessThanOrEqual(figures * 3);
  });
});
