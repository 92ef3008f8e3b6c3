import type { Metadata } from "next";
import { platformRequest, requireDistrictAdmin } from "@/lib/context/platform";
import { districtReport } from "@/lib/queries/reporting";
import { platformSignOut } from "../sign-in/actions";

export const metadata: Metadata = { title: "District report" };

const shillings = (minor: number) => `KES ${(minor / 100).toLocaleString("en-KE", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A district admin's view of the district's clubs: aggregates only, never a member (promise B3.1). */
export default async function DistrictReportPage() {
  const { actor, session } = requireDistrictAdmin(await platformRequest());
  const { district, clubs } = await districtReport(actor);
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <div className="flex items-center gap-4">
        <h1 className="text-2xl font-semibold">
          {district.name} ({district.code})
        </h1>
        <span className="ml-auto text-sm text-gray-600" data-testid="signed-in-as">
          {session.user.email}
        </span>
        <form action={platformSignOut}>
          <button type="submit" className="btn-quiet">
            Sign out
          </button>
        </form>
      </div>
      <p className="mt-2 text-gray-600">Counts and totals per club. Member records stay with each club.</p>
      <table className="mt-6 w-full bg-white text-sm" data-testid="district-report">
        <thead>
          <tr className="text-left">
            <th className="px-3 py-2">Club</th>
            <th className="px-3 py-2 text-right">Active members</th>
            <th className="px-3 py-2 text-right">Dues invoiced</th>
            <th className="px-3 py-2 text-right">Collected</th>
            <th className="px-3 py-2 text-right">Arrears</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {clubs.map((club) => (
            <tr key={club.slug} data-club={club.slug}>
              <td className="px-3 py-2">
                {club.name}
                {club.status === "SUSPENDED" ? <span className="ml-2 text-xs text-red-700">suspended</span> : null}
              </td>
              <td className="px-3 py-2 text-right" data-figure="members">
                {club.activeMembers}
              </td>
              <td className="px-3 py-2 text-right" data-figure="invoiced">
                {shillings(club.duesInvoicedMinor)}
              </td>
              <td className="px-3 py-2 text-right" data-figure="collected">
                {shillings(club.duesCollectedMinor)}
              </td>
              <td className="px-3 py-2 text-right" data-figure="arrears">
                {shillings(club.arrearsMinor)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
