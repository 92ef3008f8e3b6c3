import type { CalendarDate } from "../dues/calendar-date";
import type { InvoiceState } from "../dues/invoice-state";
import { Prisma } from "./generated/client";
import type { TenantTx } from "./tenant";

/**
 * The derived invoice state of lib/dues/invoice-state.ts as SQL, so that a
 * list filters and pages by state in Postgres rather than in memory. The
 * CASE mirrors `invoiceState` rule for rule (first match wins);
 * tests/dues-queries.integration.test.ts holds the two to the same answers.
 *
 * `invoiceRows(organizationId, today)` is the subquery both reads select from: every invoice
 * of the organisation with its plan's name and grace days, the payer's name,
 * `paid_minor` (succeeded payments less succeeded refunds, kept from the ledger
 * by the database: migration 20261203100243_dues_kept_sums),
 * `balance_minor` (0 when void) and `state`.
 */
export type InvoiceRow = {
  id: string;
  member_id: string;
  first_name: string;
  last_name: string;
  plan_id: string;
  plan_name: string;
  period: string;
  due_on: Date;
  amount_minor: number;
  currency: string;
  paid_minor: number;
  balance_minor: number;
  state: InvoiceState;
};

function invoiceRows(organizationId: string, today: CalendarDate): Prisma.Sql {
  return Prisma.sql`(
    SELECT i.id, i.member_id, m.first_name, m.last_name, i.plan_id, p.name AS plan_name, i.period, i.due_on,
           i.amount_minor, i.currency, i.paid_minor,
           CASE WHEN i.status = 'VOID' THEN 0 ELSE GREATEST(0, i.amount_minor - i.paid_minor) END AS balance_minor,
           CASE
             WHEN i.status = 'VOID' THEN 'void'
             WHEN i.status = 'DRAFT' THEN 'draft'
             WHEN i.paid_minor >= i.amount_minor THEN 'paid'
             WHEN ${today}::date > i.due_on + p.grace_days THEN 'lapsed'
             WHEN ${today}::date > i.due_on THEN 'overdue'
             WHEN i.paid_minor > 0 THEN 'partially_paid'
             ELSE 'open'
           END AS state
      FROM dues_invoice i
      JOIN dues_plan p ON p.organization_id = i.organization_id AND p.id = i.plan_id
      JOIN member m ON m.organization_id = i.organization_id AND m.id = i.member_id
     WHERE i.organization_id = ${organizationId}::uuid
  )`;
}

export type InvoiceWhere = { state?: InvoiceState; planId?: string; period?: string };

/** Invoices newest due first, after the keyset cursor (due date, id), at most `limit`. */
export function selectInvoices(
  tx: TenantTx,
  organizationId: string,
  today: CalendarDate,
  where: InvoiceWhere,
  after: { dueOn: CalendarDate; id: string } | undefined,
  limit: number,
): Promise<InvoiceRow[]> {
  const conditions = [
    where.state ? Prisma.sql`r.state = ${where.state}` : null,
    where.planId ? Prisma.sql`r.plan_id = ${where.planId}::uuid` : null,
    where.period ? Prisma.sql`r.period = ${where.period}` : null,
    after ? Prisma.sql`(r.due_on, r.id) < (${after.dueOn}::date, ${after.id}::uuid)` : null,
  ].filter((c): c is Prisma.Sql => c !== null);
  const filter = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  return tx.$queryRaw<InvoiceRow[]>`
    SELECT r.* FROM ${invoiceRows(organizationId, today)} r ${filter}
     ORDER BY r.due_on DESC, r.id DESC
     LIMIT ${limit}`;
}

export type ArrearsRow = { member_id: string; first_name: string; last_name: string; currency: string; invoices: number; balance_minor: number; oldest_due_on: Date };

/** Per member and currency, the unpaid balance of issued invoices not yet paid in full (open, partly paid, overdue, lapsed). */
function owing(organizationId: string, today: CalendarDate): Prisma.Sql {
  return Prisma.sql`(
    SELECT r.member_id, r.first_name, r.last_name, r.currency, count(*)::int AS invoices,
           SUM(r.balance_minor)::bigint AS balance_minor, MIN(r.due_on) AS oldest_due_on
      FROM ${invoiceRows(organizationId, today)} r
     WHERE r.state IN ('open', 'partially_paid', 'overdue', 'lapsed')
     GROUP BY r.member_id, r.first_name, r.last_name, r.currency
  )`;
}

/** Who owes, oldest debt first, after the keyset cursor (oldest due date, member, currency), at most `limit`. */
export async function selectArrears(
  tx: TenantTx,
  organizationId: string,
  today: CalendarDate,
  after: { oldestDueOn: CalendarDate; memberId: string; currency: string } | undefined,
  limit: number,
): Promise<ArrearsRow[]> {
  const cursor = after ? Prisma.sql`WHERE (a.oldest_due_on, a.member_id, a.currency) > (${after.oldestDueOn}::date, ${after.memberId}::uuid, ${after.currency})` : Prisma.empty;
  const rows = await tx.$queryRaw<(Omit<ArrearsRow, "balance_minor"> & { balance_minor: bigint })[]>`
    SELECT a.* FROM ${owing(organizationId, today)} a ${cursor}
     ORDER BY a.oldest_due_on, a.member_id, a.currency
     LIMIT ${limit}`;
  // Sums of int minor units stay far inside Number's exact integers (MAX_AMOUNT_MINOR).
  return rows.map((r) => ({ ...r, balance_minor: Number(r.balance_minor) }));
}

/** The arrears per currency: how many members owe and how much; currencies are never added together. */
export async function selectArrearsTotals(tx: TenantTx, organizationId: string, today: CalendarDate) {
  const rows = await tx.$queryRaw<{ currency: string; members: number; balance_minor: bigint }[]>`
    SELECT a.currency, count(DISTINCT a.member_id)::int AS members, SUM(a.balance_minor)::bigint AS balance_minor
      FROM ${owing(organizationId, today)} a GROUP BY a.currency ORDER BY a.currency`;
  return rows.map((t) => ({ currency: t.currency, members: t.members, balanceMinor: Number(t.balance_minor) }));
}
