import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { donationMethodLabel, donationStatusLabel, listDonations } from "@/lib/queries/donations";

export const metadata: Metadata = { title: "Donations" };

export default async function DonationsPage() {
  const { actor } = await memberRequest();
  const donations = await notFoundOnAppError(() => listDonations(actor));
  return (
    <section>
      <PageHeader title="Donations">
        <div className="flex gap-2">
          <a href="/donate" className="btn-quiet">
            Public donation page
          </a>
          {can(actor, "donations:write") ? (
            <Link href="/donations/new" className="btn">
              Record a gift
            </Link>
          ) : null}
        </div>
      </PageHeader>
      <DataTable
        testId="donation-list"
        rows={donations}
        rowKey={(d) => d.id}
        rowAttributes={(d) => ({ "data-status": d.status })}
        empty="No donations yet."
        columns={[
          { header: "Date", cell: (d) => (d.receivedAt ?? d.createdAt).toISOString().slice(0, 10), className: "whitespace-nowrap" },
          {
            header: "Donor",
            cell: (d) => (
              <Link href={`/donations/donors/${d.donor.id}`} className="text-brand-700 hover:underline">
                {d.donor.name}
              </Link>
            ),
          },
          { header: "Given as", cell: (d) => donationMethodLabel(d.method) },
          { header: "Fund", cell: (d) => d.fund ?? "General" },
          { header: "Status", cell: (d) => donationStatusLabel(d.status) },
          {
            header: "Receipt",
            cell: (d) =>
              d.receipt ? (
                <>
                  <a href={`/donations/receipts/${d.receipt.id}/pdf`} className="text-brand-700 hover:underline" data-testid="receipt-number">
                    {d.receipt.number}
                  </a>
                  {d.receipt.kind === "CANCELLATION" ? " (cancellation)" : null}
                </>
              ) : (
                "—"
              ),
          },
          { header: "Amount", cell: (d) => formatMoney(d.amountMinor, d.currency), align: "right", className: "tabular-nums" },
        ]}
      />
    </section>
  );
}
