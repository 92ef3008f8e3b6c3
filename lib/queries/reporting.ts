import { can } from "../authz/capabilities";
import type { PlatformActor } from "../authz/actor";
import { withPlatform } from "../db/platform";
import { notFoundError } from "../errors";

/** One club's line in the district report: counts and sums, nothing about any one member. */
export type ClubFigures = {
  slug: string;
  name: string;
  status: "ACTIVE" | "SUSPENDED";
  activeMembers: number;
  duesInvoicedMinor: number;
  duesCollectedMinor: number;
  arrearsMinor: number;
};

/**
 * The district report (promise B3.1): for each club of the district admin's
 * own district, active members, dues invoiced, collected and in arrears. Runs
 * as the platform role because it spans tenants; Postgres does the counting
 * and summing (a filtered relation count and GROUP BYs over open invoices and the ledger), so no member or
 * invoice row ever reaches the application — only the aggregates below.
 */
export async function districtReport(actor: PlatformActor): Promise<{ district: { code: string; name: string }; clubs: ClubFigures[] }> {
  if (!can(actor, "district:report") || !actor.districtId) throw notFoundError();
  const districtId = actor.districtId;
  return withPlatform(async (tx) => {
    const district = await tx.district.findUnique({ where: { id: districtId }, select: { code: true, name: true } });
    if (!district) throw notFoundError();
    const inDistrict = { organization: { districtId } };
    const [clubs, invoiced, ledger] = await Promise.all([
      tx.organization.findMany({
        where: { districtId },
        orderBy: { name: "asc" },
        select: { id: true, slug: true, name: true, status: true, _count: { select: { members: { where: { status: "ACTIVE" } } } } },
      }),
      tx.duesInvoice.groupBy({ by: ["organizationId"], where: { ...inDistrict, status: "OPEN" }, _sum: { amountMinor: true } }),
      tx.payment.groupBy({
        by: ["organizationId", "kind"],
        where: { ...inDistrict, status: "SUCCEEDED", invoice: { status: "OPEN" } },
        _sum: { amountMinor: true },
      }),
    ]);
    const invoicedBy = new Map(invoiced.map((d) => [d.organizationId, d._sum.amountMinor ?? 0]));
    const collectedBy = new Map<string, number>();
    for (const row of ledger) {
      const signed = (row._sum.amountMinor ?? 0) * (row.kind === "REFUND" ? -1 : 1);
      collectedBy.set(row.organizationId, (collectedBy.get(row.organizationId) ?? 0) + signed);
    }
    return {
      district,
      clubs: clubs.map((club) => {
        const invoiced = invoicedBy.get(club.id) ?? 0;
        const collected = collectedBy.get(club.id) ?? 0;
        return {
          slug: club.slug,
          name: club.name,
          status: club.status,
          activeMembers: club._count.members,
          duesInvoicedMinor: invoiced,
          duesCollectedMinor: collected,
          arrearsMinor: invoiced - collected,
        };
      }),
    };
  });
}
