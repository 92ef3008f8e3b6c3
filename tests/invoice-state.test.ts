import { describe, expect, test } from "vitest";
import { balanceMinor, INVOICE_STATE_LABELS, INVOICE_STATES, invoiceState, type InvoiceFacts, type InvoiceState } from "@/lib/dues/invoice-state";

/** Due 31 July 2026 with 14 days' grace: overdue from 1 August, lapsed from 15 August. */
const base: InvoiceFacts = { status: "OPEN", amountMinor: 500_000, paidMinor: 0, dueOn: "2026-07-31", graceDays: 14 };

describe("invoiceState: derived from status, payments and the calendar", () => {
  const cases: Array<[string, Partial<InvoiceFacts>, string, InvoiceState]> = [
    ["void wins over everything", { status: "VOID", paidMinor: 0 }, "2027-01-01", "void"],
    ["void wins even when paid", { status: "VOID", paidMinor: 500_000 }, "2026-07-01", "void"],
    ["draft wins over lateness", { status: "DRAFT" }, "2027-01-01", "draft"],
    ["draft wins over payment", { status: "DRAFT", paidMinor: 500_000 }, "2026-07-01", "draft"],
    ["unpaid before the due date", {}, "2026-07-01", "open"],
    ["unpaid on the due date", {}, "2026-07-31", "open"],
    ["unpaid the day after", {}, "2026-08-01", "overdue"],
    ["unpaid on the last day of grace", {}, "2026-08-14", "overdue"],
    ["unpaid the day grace ends", {}, "2026-08-15", "lapsed"],
    ["partly paid before the due date", { paidMinor: 1 }, "2026-07-15", "partially_paid"],
    ["partly paid on the due date", { paidMinor: 499_999 }, "2026-07-31", "partially_paid"],
    ["partly paid the day after", { paidMinor: 250_000 }, "2026-08-01", "overdue"],
    ["partly paid after grace", { paidMinor: 250_000 }, "2026-08-15", "lapsed"],
    ["paid in full before the due date", { paidMinor: 500_000 }, "2026-07-01", "paid"],
    ["paid in full long after", { paidMinor: 500_000 }, "2030-01-01", "paid"],
    ["overpaid", { paidMinor: 600_000 }, "2026-08-15", "paid"],
    ["refunded back to nothing", { paidMinor: 0 }, "2026-07-31", "open"],
    ["no grace: the day after is lapsed", { graceDays: 0 }, "2026-08-01", "lapsed"],
    ["no grace: the due date is still open", { graceDays: 0 }, "2026-07-31", "open"],
    ["one day's grace", { graceDays: 1 }, "2026-08-01", "overdue"],
    ["one day's grace, then lapsed", { graceDays: 1 }, "2026-08-02", "lapsed"],
    ["grace across a year end", { dueOn: "2026-12-31", graceDays: 1 }, "2027-01-01", "overdue"],
    ["grace across a leap day", { dueOn: "2028-02-28", graceDays: 1 }, "2028-02-29", "overdue"],
    ["grace across a leap day, then lapsed", { dueOn: "2028-02-28", graceDays: 1 }, "2028-03-01", "lapsed"],
    ["a zero invoice is paid", { amountMinor: 0 }, "2027-01-01", "paid"],
  ];
  test.each(cases)("%s", (_, facts, today, expected) => {
    expect(invoiceState({ ...base, ...facts }, today)).toBe(expected);
  });

  test("refuses a date that is not YYYY-MM-DD rather than comparing text", () => {
    expect(() => invoiceState(base, "2026-8-1")).toThrow(RangeError);
    expect(() => invoiceState({ ...base, dueOn: "31/07/2026" }, "2026-08-01")).toThrow(RangeError);
  });
});

describe("balanceMinor: what is still owed", () => {
  const cases: Array<[string, Partial<InvoiceFacts>, number]> = [
    ["nothing paid", {}, 500_000],
    ["part paid", { paidMinor: 120_050 }, 379_950],
    ["paid in full", { paidMinor: 500_000 }, 0],
    ["overpaid is not a negative balance", { paidMinor: 600_000 }, 0],
    ["a void invoice is owed nothing", { status: "VOID" }, 0],
    ["a draft shows what it will ask for", { status: "DRAFT" }, 500_000],
  ];
  test.each(cases)("%s", (_, facts, expected) => {
    expect(balanceMinor({ ...base, ...facts })).toBe(expected);
  });
});

test("every state has a label for the filter", () => {
  expect(Object.keys(INVOICE_STATE_LABELS).sort()).toEqual([...INVOICE_STATES].sort());
  expect(new Set(Object.values(INVOICE_STATE_LABELS)).size).toBe(INVOICE_STATES.length);
});
