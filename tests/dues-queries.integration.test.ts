import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { INVOICE_STATES, type InvoiceState } from "@/lib/dues/invoice-state";
import { getInvoice, invoicesCsv, listArrears, listInvoices } from "@/lib/queries/dues";
import { invoiceFilterInput } from "@/lib/schemas/invoice-filters";
import { issueInvoice, voidInvoice } from "@/lib/services/dues";
import { createPlan } from "@/lib/services/dues-plans";
import { createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * The treasurer's reads: the invoice list filters by the derived state in
 * SQL (lib/db/invoice-states.ts) and must agree with lib/dues/invoice-state.ts
 * on every invoice; it pages by keyset; arrears are totalled per currency;
 * the CSV export is formula-safe. "Today" is passed in, so states do not
 * depend on the day the test runs.
 */
let club: TestOrganization;
let other: TestOrganization;
const TODAY = "2026-07-15";
const expected = new Map<string, InvoiceState>();

beforeAll(async () => {
  club = await createTestOrganization("dues-reads");
  other = await createTestOrganization("dues-reads-other");
  const treasurer = club.actors.TREASURER;
  const member = (lastName: string) => createMember(club.actors.ADMIN, { firstName: "Njeri", lastName });
  // Rotary year 2026-27 starts 1 July 2026: dueDays 0 → due 1 July (overdue or lapsed on the 15th), dueDays 30 → due 31 July (not yet due).
  const late = await createPlan(treasurer, { name: "Late, long grace", currency: "KES", amount: "1000", periodKind: "ANNUAL", dueDays: 0, graceDays: 60 });
  const lapsing = await createPlan(treasurer, { name: "Late, short grace", currency: "KES", amount: "1000", periodKind: "ANNUAL", dueDays: 0, graceDays: 5 });
  const current = await createPlan(treasurer, { name: "Current", currency: "KES", amount: "1000", periodKind: "ANNUAL", dueDays: 30, graceDays: 90 });
  const dueToday = await createPlan(treasurer, { name: "Due today", currency: "KES", amount: "1000", periodKind: "ANNUAL", dueDays: 14, graceDays: 0 });
  const issue = async (plan: { id: string }, lastName: string, state: InvoiceState, draft = false) => {
    const payer = await member(lastName);
    const invoice = await issueInvoice(treasurer, { memberId: payer.id, planId: plan.id, period: "2026-27", draft });
    expected.set(invoice.id, state);
    return invoice;
  };
  const pay = (invoiceId: string, amount: string, reference: string) => recordPayment(treasurer, { invoiceId, method: "CASH", amount, reference, paidOn: "2026-07-10" });

  await issue(current, "Draft", "draft", true);
  await issue(current, "Open", "open");
  await issue(dueToday, "Due today", "open");
  await pay((await issue(current, "Partly", "partially_paid")).id, "400", "R-PART");
  await pay((await issue(current, "Paid", "paid")).id, "1000", "R-PAID");
  await pay((await issue(late, "Overdue paid", "paid")).id, "1000", "R-LATE-PAID");
  await pay((await issue(late, "Overdue partly", "overdue")).id, "1", "R-LATE-PART");
  await issue(late, "Overdue", "overdue");
  await issue(lapsing, "Lapsed", "lapsed");
  const voided = await issue(current, "Void", "void");
  await voidInvoice(treasurer, { invoiceId: voided.id, reason: "Left the club" });
  // Another club's invoices are never in this club's lists.
  await createTestInvoice(other);
});
afterAll(() => disconnectAll());

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe("the invoice list filters by derived state in SQL", () => {
  test("[P3] each state — draft, open, partly paid, paid, overdue, lapsed, void — finds exactly its invoices", async () => {
    for (const state of INVOICE_STATES) {
      const { invoices } = await listInvoices(club.actors.TREASURER, { state }, undefined, TODAY);
      const want = [...expected].filter(([, s]) => s === state).map(([id]) => id);
      expect(want.length, state).toBeGreaterThan(0);
      expect(ids(invoices), state).toEqual(want.sort());
    }
  });

  test("[P3] the SQL state of every invoice is the one lib/dues/invoice-state.ts derives, and balances come from the ledger", async () => {
    const { invoices } = await listInvoices(club.actors.VIEWER, {}, undefined, TODAY);
    expect(ids(invoices)).toEqual([...expected.keys()].sort());
    for (const row of invoices) {
      const invoice = await getInvoice(club.actors.VIEWER, row.id, TODAY);
      expect(row.state, row.last_name).toBe(invoice.state);
      expect(row.paid_minor, row.last_name).toBe(invoice.paidMinor);
      expect(row.balance_minor, row.last_name).toBe(invoice.balanceMinor);
    }
    const partly = invoices.find((r) => r.last_name === "Partly")!;
    expect(partly).toMatchObject({ amount_minor: 100_000, paid_minor: 40_000, balance_minor: 60_000, currency: "KES" });
    expect(invoices.find((r) => r.last_name === "Void")!.balance_minor).toBe(0);
  });

  test("filters combine with plan and period; a malformed filter is dropped, not an error", async () => {
    const plan = (await listInvoices(club.actors.TREASURER, { state: "overdue" }, undefined, TODAY)).invoices[0].plan_id;
    const { invoices } = await listInvoices(club.actors.TREASURER, { planId: plan, period: "2026-27" }, undefined, TODAY);
    expect(invoices.every((i) => i.plan_id === plan)).toBe(true);
    expect(invoices.map((i) => i.state).sort()).toEqual(["overdue", "overdue", "paid"]);
    expect(invoiceFilterInput.parse({ state: "owing", planId: "x", period: "2026-28" })).toEqual({});
    expect(invoiceFilterInput.parse({ state: "lapsed", period: "2026-27-Q2" })).toEqual({ state: "lapsed", period: "2026-27-Q2" });
  });

  test("[M4.4] a member without dues:read gets not-found, and another club's invoice is not found", async () => {
    await expect(listInvoices(club.actors.MEMBER, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(listArrears(club.actors.FIELD_MANAGER)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { invoice } = await createTestInvoice(other);
    await expect(getInvoice(club.actors.TREASURER, invoice.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getInvoice(club.actors.TREASURER, "not-a-uuid")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("paging, arrears and the CSV export", () => {
  test("the list pages by keyset, newest due date first, every invoice exactly once", async () => {
    const org = await createTestOrganization("dues-paging");
    const plan = await createPlan(org.actors.TREASURER, { name: "Monthly", currency: "KES", amount: "500", periodKind: "MONTHLY" });
    const payer = await createMember(org.actors.ADMIN, { firstName: "Kamau", lastName: "Monthly" });
    const issued: string[] = [];
    for (const year of [2024, 2025, 2026, 2027, 2028])
      for (let month = 1; month <= 12; month++)
        issued.push((await issueInvoice(org.actors.TREASURER, { memberId: payer.id, planId: plan.id, period: `${year}-${String((year + 1) % 100).padStart(2, "0")}-M${String(month).padStart(2, "0")}` })).id);
    const seen: { id: string; due: string }[] = [];
    let after: { dueOn: string; id: string } | undefined;
    let pages = 0;
    for (;;) {
      const { invoices, next } = await listInvoices(org.actors.TREASURER, { state: "open" }, after, "2024-01-01");
      pages += 1;
      seen.push(...invoices.map((i) => ({ id: i.id, due: i.due_on.toISOString().slice(0, 10) })));
      if (!next) break;
      after = { dueOn: next.slice(0, 10), id: next.slice(11) };
    }
    expect(pages).toBe(2);
    expect(seen.map((s) => s.id).sort()).toEqual(issued.sort());
    expect(seen.map((s) => s.due)).toEqual(seen.map((s) => s.due).sort().reverse());
  });

  test("[P3] arrears: members owing, oldest debt first, totals per currency (never added across currencies)", async () => {
    const org = await createTestOrganization("dues-arrears");
    const treasurer = org.actors.TREASURER;
    const kes = await createPlan(treasurer, { name: "KES annual", currency: "KES", amount: "12,000", periodKind: "ANNUAL" });
    const usd = await createPlan(treasurer, { name: "USD annual", currency: "USD", amount: "150.50", periodKind: "ANNUAL" });
    const [a, b, c] = [await createMember(org.actors.ADMIN, { firstName: "A", lastName: "Older" }), await createMember(org.actors.ADMIN, { firstName: "B", lastName: "Newer" }), await createMember(org.actors.ADMIN, { firstName: "C", lastName: "Paid up" })];
    await issueInvoice(treasurer, { memberId: a.id, planId: kes.id, period: "2025-26" });
    await issueInvoice(treasurer, { memberId: a.id, planId: kes.id, period: "2026-27" });
    const bKes = await issueInvoice(treasurer, { memberId: b.id, planId: kes.id, period: "2026-27" });
    await recordPayment(treasurer, { invoiceId: bKes.id, method: "BANK", amount: "2,000", reference: "EFT-1", paidOn: "2026-07-20" });
    await issueInvoice(treasurer, { memberId: b.id, planId: usd.id, period: "2026-27" });
    const cKes = await issueInvoice(treasurer, { memberId: c.id, planId: kes.id, period: "2026-27" });
    await recordPayment(treasurer, { invoiceId: cKes.id, method: "CASH", amount: "12000", reference: "R-C", paidOn: "2026-07-20" });
    await issueInvoice(treasurer, { memberId: c.id, planId: usd.id, period: "2025-26", draft: true });

    const { rows, totals, next } = await listArrears(org.actors.VIEWER, undefined, TODAY);
    expect(next).toBeNull();
    expect(rows.map((r) => [r.last_name, r.currency, r.invoices, r.balance_minor])).toEqual([
      ["Older", "KES", 2, 2_400_000],
      ["Newer", "KES", 1, 1_000_000],
      ["Newer", "USD", 1, 15_050],
    ]);
    expect(totals).toEqual([
      { currency: "KES", members: 2, balanceMinor: 3_400_000 },
      { currency: "USD", members: 1, balanceMinor: 15_050 },
    ]);
  });

  test("[P3] the CSV export: filtered rows, decimal amounts beside their currency, formula-safe cells", async () => {
    const org = await createTestOrganization("dues-csv");
    const treasurer = org.actors.TREASURER;
    const plan = await createPlan(treasurer, { name: "Annual, with a comma", currency: "KES", amount: "1,200.50", periodKind: "ANNUAL" });
    const evil = await createMember(org.actors.ADMIN, { firstName: "Evil", lastName: "=HYPERLINK(\"http://x\")" });
    const plain = await createMember(org.actors.ADMIN, { firstName: "Plain", lastName: "Payer" });
    const paid = await issueInvoice(treasurer, { memberId: evil.id, planId: plan.id, period: "2026-27" });
    await recordPayment(treasurer, { invoiceId: paid.id, method: "CASH", amount: "1200.50", reference: "R-1", paidOn: "2026-07-20" });
    await issueInvoice(treasurer, { memberId: plain.id, planId: plan.id, period: "2026-27" });

    const csv = await new Response(invoicesCsv(treasurer, { state: "paid" }, TODAY)).text();
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("invoice_id,member,plan,period,due_on,currency,amount,paid,balance,state");
    expect(lines.slice(1)).toEqual([`${paid.id},"'=HYPERLINK(""http://x""), Evil","Annual, with a comma",2026-27,2026-07-31,KES,1200.50,1200.50,0.00,Paid`, ""]);
    const all = await new Response(invoicesCsv(treasurer, {}, TODAY)).text();
    expect(all.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(() => invoicesCsv(org.actors.MEMBER, {})).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});
