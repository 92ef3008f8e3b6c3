import type { CalendarDate } from "../dues/calendar-date";
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
 *
 * Both are read from dues_day_total, the ledger's sums the database keeps in
 * the same transaction as every invoice and payment (migration
 * 20261203100243_dues_kept_sums): at most one row per day and currency, never
 * the ledger itself. tests/dues-kept-sums.integration.test.ts holds the kept
 * sums to the ledger.
 */
export async function selectDuesPerMonth(tx: TenantTx, organizationId: string, from: CalendarDate, today: CalendarDate): Promise<MonthlyDuesRow[]> {
  const rows = await tx.$queryRaw<{ month: string; currency: string; invoiced_minor: bigint; collected_minor: bigint }[]>`
    SELECT to_char(date_trunc('month', t.day), 'YYYY-MM') AS month, t.currency,
           SUM(t.invoiced_minor)::bigint AS invoiced_minor, SUM(t.collected_minor)::bigint AS collected_minor
      FROM dues_day_total t
     WHERE t.organization_id = ${organizationId}::uuid
       AND t.day >= ${from}::date AND t.day < (date_trunc('month', ${today}::date) + interval '1 month')::date
     GROUP BY 1, 2
    HAVING SUM(t.invoiced_minor) <> 0 OR SUM(t.collected_minor) <> 0
     ORDER BY 1, 2`;
  // Sums of int minor units stay far inside Number's exact integers (MAX_AMOUNT_MINOR).
  return rows.map((r) => ({ ...r, invoiced_minor: Number(r.invoiced_minor), collected_minor: Number(r.collected_minor) }));
}

export const ARREARS_AGES = ["0-30", "31-90", "90+"] as const;
export type ArrearsAge = (typeof ARREARS_AGES)[number];
export type ArrearsAgeRow = { age: ArrearsAge; currency: string; invoices: number; balance_minor: number };

/**
 * What is owed past its due date, by how many days late on `today`: the
 * unpaid balance (amount less the ledger's paid) of every issued invoice that
 * is overdue or lapsed in lib/db/invoice-states.ts's terms, from the kept
 * per-due-day balances of dues_day_total.
 */
export async function selectArrearsByAge(tx: TenantTx, organizationId: string, today: CalendarDate): Promise<ArrearsAgeRow[]> {
  const rows = await tx.$queryRaw<{ age: ArrearsAge; currency: string; invoices: number; balance_minor: bigint }[]>`
    SELECT CASE WHEN ${today}::date - t.day <= 30 THEN '0-30' WHEN ${today}::date - t.day <= 90 THEN '31-90' ELSE '90+' END AS age,
           t.currency, SUM(t.outstanding_invoices)::int AS invoices, SUM(t.outstanding_minor)::bigint AS balance_minor
      FROM dues_day_total t
     WHERE t.organization_id = ${organizationId}::uuid AND t.day < ${today}::date AND t.outstanding_invoices > 0
     GROUP BY 1, 2
     ORDER BY 2, 1`;
  return rows.map((r) => ({ ...r, balance_minor: Number(r.balance_minor) }));
}
