import type { TenantTx } from "./tenant";

/** Donations received per calendar month (UTC) in [from, to), summed per currency: one grouped query. */
export async function selectDonationsPerMonth(tx: TenantTx, organizationId: string, from: Date, to: Date) {
  const rows = await tx.$queryRaw<{ month: string; currency: string; amount_minor: bigint; count: number }[]>`
    SELECT to_char(date_trunc('month', received_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, currency,
           SUM(amount_minor)::bigint AS amount_minor, count(*)::int AS count
      FROM donation
     WHERE organization_id = ${organizationId}::uuid AND status = 'RECEIVED'
       AND received_at >= ${from} AND received_at < ${to}
     GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({ month: r.month, currency: r.currency, amountMinor: Number(r.amount_minor), count: r.count }));
}
