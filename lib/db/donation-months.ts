import type { CalendarDate } from "../dues/calendar-date";
import { BOOKS_TIME_ZONE } from "./dashboard-figures";
import type { TenantTx } from "./tenant";

/**
 * Donations received per month of the books (Nairobi, as dues are counted)
 * from the day `from` up to the day `to` (exclusive), summed per currency: one grouped query.
 */
export async function selectDonationsPerMonth(tx: TenantTx, organizationId: string, from: CalendarDate, to: CalendarDate) {
  const rows = await tx.$queryRaw<{ month: string; currency: string; amount_minor: bigint; count: number }[]>`
    SELECT to_char(date_trunc('month', received_at AT TIME ZONE ${BOOKS_TIME_ZONE}), 'YYYY-MM') AS month, currency,
           SUM(amount_minor)::bigint AS amount_minor, count(*)::int AS count
      FROM donation
     WHERE organization_id = ${organizationId}::uuid AND status = 'RECEIVED'
       AND received_at >= (${from}::date::timestamp AT TIME ZONE ${BOOKS_TIME_ZONE})
       AND received_at < (${to}::date::timestamp AT TIME ZONE ${BOOKS_TIME_ZONE})
     GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({ month: r.month, currency: r.currency, amountMinor: Number(r.amount_minor), count: r.count }));
}
