import type { CalendarDate } from "../dues/calendar-date";
import { paidPerInvoice } from "./invoice-states";
import type { TenantTx } from "./tenant";

/**
 * The dashboard's dues figures as SQL: one statement each, grouped in
 * Postgres, so only a handful of aggregate rows ever reach the application —
 * never an invoice, a payment or a member. Amounts stay per currency.
 */

/** The time zone the clubs keep their books in (dues fall due on Nairobi days, lib/queries/dues.ts). */
export const BOOKS_TIME_ZONE = "Africa/Nairobi";

export type MonthlyDuesRow = { month: string; currency: string; invoiced_minor: number; collected_minor: number };

/**
 * Per calendar month from `from` (a first of the month) up to and including
 * `today`'s month: dues invoiced (issued invoices, not draft or void, by the
 * month they fall due) and dues collected (the ledger: succeeded payments
 * less succeeded refunds on dues invoices, by the Nairobi month they were paid).
 */
export async function selectDuesPerMonth(tx: TenantTx, organizationId: string, from: CalendarDate, today: CalendarDate): Promise<MonthlyDuesRow[]> {
  // Rows are grouped by the start of their month and only the dozen groups are formatted: no per-row to_char.
  const rows = await tx.$queryRaw<{ month: string; currency: string; invoiced_minor: bigint; collected_minor: bigint }[]>`
    WITH bounds AS (
      SELECT ${from}::date AS start, (date_trunc('month', ${today}::date) + interval '1 month')::date AS stop
    ), invoiced AS (
      SELECT date_trunc('month', i.due_on) AS month, i.currency, SUM(i.amount_minor)::bigint AS minor
        FROM dues_invoice i, bounds b
       WHERE i.organization_id = ${organizationId}::uuid AND i.status = 'OPEN' AND i.due_on >= b.start AND i.due_on < b.stop
       GROUP BY 1, 2
    ), collected AS (
      SELECT date_trunc('month', COALESCE(p.paid_at, p.created_at), ${BOOKS_TIME_ZONE}) AS month, p.currency,
             SUM(CASE WHEN p.kind = 'PAYMENT' THEN p.amount_minor ELSE -p.amount_minor END)::bigint AS minor
        FROM payment p, bounds b
       WHERE p.organization_id = ${organizationId}::uuid AND p.status = 'SUCCEEDED' AND p.invoice_id IS NOT NULL
         AND COALESCE(p.paid_at, p.created_at) >= (b.start::timestamp AT TIME ZONE ${BOOKS_TIME_ZONE})
         AND COALESCE(p.paid_at, p.created_at) < (b.stop::timestamp AT TIME ZONE ${BOOKS_TIME_ZONE})
       GROUP BY 1, 2
    ), months AS (
      SELECT to_char(i.month, 'YYYY-MM') AS month, i.currency, i.minor AS invoiced, 0::bigint AS collected FROM invoiced i
      UNION ALL
      SELECT to_char(c.month AT TIME ZONE ${BOOKS_TIME_ZONE}, 'YYYY-MM'), c.currency, 0, c.minor FROM collected c
    )
    SELECT month, currency, SUM(invoiced)::bigint AS invoiced_minor, SUM(collected)::bigint AS collected_minor
      FROM months GROUP BY 1, 2 ORDER BY 1, 2`;
  // Sums of int minor units stay far inside Number's exact integers (MAX_AMOUNT_MINOR).
  return rows.map((r) => ({ ...r, invoiced_minor: Number(r.invoiced_minor), collected_minor: Number(r.collected_minor) }));
}

export const ARREARS_AGES = ["0-30", "31-90", "90+"] as const;
export type ArrearsAge = (typeof ARREARS_AGES)[number];
export type ArrearsAgeRow = { age: ArrearsAge; currency: string; invoices: number; balance_minor: number };

/**
 * What is owed past its due date, by how many days late on `today`: the
 * unpaid balance (amount less the ledger's paid) of every issued invoice that
 * is overdue or lapsed in lib/db/invoice-states.ts's terms.
 */
export async function selectArrearsByAge(tx: TenantTx, organizationId: string, today: CalendarDate): Promise<ArrearsAgeRow[]> {
  const rows = await tx.$queryRaw<{ age: ArrearsAge; currency: string; invoices: number; balance_minor: bigint }[]>`
    SELECT CASE WHEN ${today}::date - i.due_on <= 30 THEN '0-30' WHEN ${today}::date - i.due_on <= 90 THEN '31-90' ELSE '90+' END AS age,
           i.currency, count(*)::int AS invoices, SUM(i.amount_minor - COALESCE(l.paid, 0))::bigint AS balance_minor
      FROM dues_invoice i
      LEFT JOIN ${paidPerInvoice(organizationId)} l ON l.invoice_id = i.id
     WHERE i.organization_id = ${organizationId}::uuid AND i.status = 'OPEN' AND i.due_on < ${today}::date
       AND COALESCE(l.paid, 0) < i.amount_minor
     GROUP BY 1, 2
     ORDER BY 2, 1`;
  return rows.map((r) => ({ ...r, balance_minor: Number(r.balance_minor) }));
}
