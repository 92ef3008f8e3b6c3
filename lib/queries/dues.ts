import { z } from "zod";
import type { Actor } from "../authz/actor";
import { scope } from "../authz/scope";
import { csvCell } from "../audit/csv";
import { selectArrears, selectArrearsTotals, selectInvoices, type InvoiceRow } from "../db/invoice-states";
import { withTenant } from "../db/tenant";
import { calendarDateOf, type CalendarDate } from "../dues/calendar-date";
import { invoiceState, INVOICE_STATE_LABELS } from "../dues/invoice-state";
import { moneyDecimal } from "../dues/money";
import { parsePeriodKey } from "../dues/periods";
import { notFoundError } from "../errors";
import type { ArrearsCursor, InvoiceCursor, InvoiceFilter } from "../schemas/invoice-filters";
import { invoicePaidMinor } from "./ledger";

/**
 * The treasurer's reads: plans, invoices by derived state, one invoice with
 * its ledger, the arrears, and the CSV export. Every read names the tenant
 * (scope) and runs under RLS; states are computed in SQL
 * (lib/db/invoice-states.ts) so a filtered list pages in Postgres.
 */
const PAGE_SIZE = 50;
const EXPORT_BATCH = 1_000;

/** Today, where the clubs are: dues fall due on Nairobi days (as lib/services/dues.ts issues them). */
export const duesToday = (): CalendarDate => calendarDateOf(new Date(), "Africa/Nairobi");

const day = (date: Date) => date.toISOString().slice(0, 10);
export const periodLabel = (key: string) => parsePeriodKey(key)?.label ?? key;

export async function listPlans(actor: Actor) {
  const where = scope(actor, "duesPlan");
  return withTenant(actor.organizationId, (tx) =>
    tx.duesPlan.findMany({
      where,
      orderBy: [{ active: "desc" }, { name: "asc" }],
      select: {
        id: true,
        name: true,
        level: true,
        amountMinor: true,
        currency: true,
        periodKind: true,
        dueDays: true,
        graceDays: true,
        active: true,
        _count: { select: { enrolments: true } },
      },
    }),
  );
}

/** Active members to choose from in the enrol and issue forms, by surname. */
export async function memberChoices(actor: Actor) {
  scope(actor, "duesPlan");
  const where = scope(actor, "member");
  return withTenant(actor.organizationId, (tx) =>
    tx.member.findMany({
      where: { ...where, status: "ACTIVE" },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      select: { id: true, firstName: true, lastName: true, duesEnrolment: { select: { plan: { select: { name: true } }, payerId: true } } },
      take: 2_000,
    }),
  );
}

/** Invoices newest due first, after the keyset cursor, at most `limit`. */
function invoicePage(actor: Actor, filter: InvoiceFilter, after: InvoiceCursor | undefined, limit: number, today: CalendarDate) {
  scope(actor, "duesInvoice");
  return withTenant(actor.organizationId, (tx) => selectInvoices(tx, actor.organizationId, today, filter, after, limit));
}

/** One page of the invoice list, filtered by state, plan and period; `next` is the cursor of the page after. */
export async function listInvoices(actor: Actor, filter: InvoiceFilter, after?: InvoiceCursor, today = duesToday()) {
  const rows = await invoicePage(actor, filter, after, PAGE_SIZE + 1, today);
  const invoices = rows.slice(0, PAGE_SIZE);
  const last = invoices.at(-1);
  return { invoices, next: rows.length > PAGE_SIZE && last ? `${day(last.due_on)}_${last.id}` : null };
}

export const INVOICE_CSV_COLUMNS = ["invoice_id", "member", "plan", "period", "due_on", "currency", "amount", "paid", "balance", "state"] as const;

export function invoiceCsvRow(row: InvoiceRow): string {
  return (
    [
      row.id,
      `${row.last_name}, ${row.first_name}`,
      row.plan_name,
      row.period,
      day(row.due_on),
      row.currency,
      moneyDecimal(row.amount_minor, row.currency),
      moneyDecimal(row.paid_minor, row.currency),
      moneyDecimal(row.balance_minor, row.currency),
      INVOICE_STATE_LABELS[row.state],
    ]
      .map(csvCell)
      .join(",") + "\r\n"
  );
}

/**
 * The filtered invoices as CSV (RFC 4180), pulled a batch at a time as the
 * client reads, each batch its own short tenant transaction. Amounts are
 * decimal text in the major unit beside their currency; every cell goes
 * through the audit export's formula-safe `csvCell`.
 */
export function invoicesCsv(actor: Actor, filter: InvoiceFilter, today = duesToday()): ReadableStream<Uint8Array> {
  scope(actor, "duesInvoice");
  const encoder = new TextEncoder();
  let after: InvoiceCursor | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(`${INVOICE_CSV_COLUMNS.join(",")}\r\n`));
          return;
        }
        const rows = await invoicePage(actor, filter, after, EXPORT_BATCH, today);
        const last = rows.at(-1);
        if (last) {
          after = { dueOn: day(last.due_on), id: last.id };
          controller.enqueue(encoder.encode(rows.map(invoiceCsvRow).join("")));
        }
        if (rows.length < EXPORT_BATCH) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}

/** One invoice with its plan, payer, the members it covers and its ledger rows; not found outside the organisation. */
export async function getInvoice(actor: Actor, id: string, today = duesToday()) {
  const where = scope(actor, "duesInvoice");
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const found = await withTenant(actor.organizationId, async (tx) => {
    const invoice = await tx.duesInvoice.findFirst({
      where: { id, ...where },
      select: {
        id: true,
        period: true,
        dueOn: true,
        amountMinor: true,
        currency: true,
        status: true,
        voidReason: true,
        voidedAt: true,
        coveredMemberIds: true,
        createdAt: true,
        member: { select: { id: true, firstName: true, lastName: true } },
        plan: { select: { id: true, name: true, graceDays: true } },
        payments: {
          orderBy: { createdAt: "asc" },
          select: { id: true, kind: true, method: true, status: true, amountMinor: true, currency: true, reference: true, mpesaReceipt: true, failureReason: true, paidAt: true, createdAt: true },
        },
      },
    });
    if (!invoice) return null;
    // One after the other: a transaction's queries share one connection.
    const paidMinor = await invoicePaidMinor(tx, actor.organizationId, invoice.id);
    const covered = await tx.member.findMany({
      where: { id: { in: invoice.coveredMemberIds } },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }],
      select: { id: true, firstName: true, lastName: true },
    });
    return { invoice, paidMinor, covered };
  });
  if (!found) throw notFoundError();
  const { invoice, paidMinor, covered } = found;
  const facts = { status: invoice.status, amountMinor: invoice.amountMinor, paidMinor, dueOn: day(invoice.dueOn), graceDays: invoice.plan.graceDays };
  const state = invoiceState(facts, today);
  return { ...invoice, covered, paidMinor, balanceMinor: invoice.status === "VOID" ? 0 : Math.max(0, invoice.amountMinor - paidMinor), state };
}

/**
 * Who owes: per member and currency, the unpaid balance of their issued
 * invoices (open, partly paid, overdue or lapsed), oldest debt first, and the
 * totals per currency. Amounts of different currencies are never added.
 */
export async function listArrears(actor: Actor, after?: ArrearsCursor, today = duesToday()) {
  scope(actor, "duesInvoice");
  const { rows, totals } = await withTenant(actor.organizationId, async (tx) => ({
    rows: await selectArrears(tx, actor.organizationId, today, after, PAGE_SIZE + 1),
    totals: await selectArrearsTotals(tx, actor.organizationId, today),
  }));
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return { rows: page, totals, next: rows.length > PAGE_SIZE && last ? `${day(last.oldest_due_on)}_${last.member_id}_${last.currency}` : null };
}
