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
 * and summing (a filtered relation count and a GROUP BY), so no member or
 * invoice row ever reaches the application — only the aggregates below.
 */
export async function districtReport(actor: PlatformActor): Promise<{ district: { code: string; name: string }; clubs: ClubFigures[] }> {
  if (!can(actor, "district:report") || !actor.districtId) throw notFoundError();
  const districtId = actor.districtId;
  return withPlatform(async (tx) => {
    const district = await tx.district.findUnique({ where: { id: districtId }, select: { code: true, name: true } });
    if (!district) throw notFoundError();
    const [clubs, dues] = await Promise.all([
      tx.organization.findMany({
        where: { districtId },
        orderBy: { name: "asc" },
        select: { id: true, slug: true, name: true, status: true, _count: { select: { members: { where: { status: "ACTIVE" } } } } },
      }),
      tx.duesInvoice.groupBy({ by: ["organizationId"], where: { organization: { districtId } }, _sum: { amountMinor: true, paidMinor: true } }),
    ]);
    const sums = new Map(dues.map((d) => [d.organizationId, d._sum]));
    return {
      district,
      clubs: clubs.map((club) => {
        const invoiced = sums.get(club.id)?.amountMinor ?? 0;
        const collected = sums.get(club.id)?.paidMinor ?? 0;
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
