import type { Metadata } from "next";
import { DataTable } from "@/app/_components/data-table";
import { SignedInAs } from "@/app/_components/signed-in-as";
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
      {/* Under the public site's own header, so only the session part of the app header. */}
      <div className="flex items-center gap-4">
        <h1 className="text-2xl font-semibold">
          {district.name} ({district.code})
        </h1>
        <SignedInAs email={session.user.email} signOut={platformSignOut} />
      </div>
      <p className="mt-2 text-gray-600">Counts and totals per club. Member records stay with each club.</p>
      <DataTable
        testId="district-report"
        rows={clubs}
        rowKey={(club) => club.slug}
        rowAttributes={(club) => ({ "data-club": club.slug })}
        columns={[
          {
            header: "Club",
            cell: (club) => (
              <>
                {club.name}
                {club.status === "SUSPENDED" ? <span className="ml-2 text-xs text-red-700">suspended</span> : null}
              </>
            ),
          },
          { header: "Active members", align: "right", attributes: { "data-figure": "members" }, cell: (club) => club.activeMembers },
          { header: "Dues invoiced", align: "right", attributes: { "data-figure": "invoiced" }, cell: (club) => shillings(club.duesInvoicedMinor) },
          { header: "Collected", align: "right", attributes: { "data-figure": "collected" }, cell: (club) => shillings(club.duesCollectedMinor) },
          { header: "Arrears", align: "right", attributes: { "data-figure": "arrears" }, cell: (club) => shillings(club.arrearsMinor) },
        ]}
      />
    </main>
  );
}
