import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { donationMethodLabel, donationStatusLabel, donorDetail } from "@/lib/queries/donations";

export const metadata: Metadata = { title: "Donor" };

export default async function DonorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const donor = await notFoundOnAppError(() => donorDetail(actor, id));
  const writes = can(actor, "donations:write");
  const years = [...new Set(donor.donations.flatMap((d) => (d.receivedAt ? [d.receivedAt.getUTCFullYear()] : [])))].sort((a, b) => b - a);
  return (
    <section>
      <Link href="/donations" className="text-sm text-brand-700 hover:underline">
        ← Donations
      </Link>
      <h1 className="mt-2 text-2xl font-semibold" data-testid="donor-name">
        {donor.name}
      </h1>
      <dl className="mt-4 grid max-w-md grid-cols-2 gap-2 text-sm">
        <dt className="text-gray-600">Email</dt>
        <dd>{donor.email ?? "—"}</dd>
        <dt className="text-gray-600">Phone</dt>
        <dd>{donor.phone ?? "—"}</dd>
        <dt className="text-gray-600">Address</dt>
        <dd>{donor.address ?? "—"}</dd>
      </dl>
      {years.length > 0 ? (
        <p className="mt-4 text-sm">
          Annual statements:{" "}
          {years.map((year) => (
            <Link key={year} href={`/donations/donors/${donor.id}/statement?year=${year}`} className="mr-2 text-brand-700 hover:underline">
              {year}
            </Link>
          ))}
        </p>
      ) : null}
      <h2 className="mt-8 text-lg font-semibold">Gifts</h2>
      <DataTable
        testId="donor-gifts"
        rows={donor.donations}
        rowKey={(d) => d.id}
        rowAttributes={(d) => ({ "data-status": d.status })}
        empty="No gifts."
        columns={[
          { header: "Received", cell: (d) => d.receivedAt?.toISOString().slice(0, 10) ?? "—" },
          { header: "Given as", cell: (d) => donationMethodLabel(d.method) + (d.description ? `: ${d.description}` : "") },
          { header: "Fund", cell: (d) => d.fund ?? "General" },
          { header: "Status", cell: (d) => donationStatusLabel(d.status) },
          { header: "Amount", cell: (d) => formatMoney(d.amountMinor, d.currency), align: "right", className: "tabular-nums" },
        ]}
      />
      <h2 className="mt-8 text-lg font-semibold">Receipts</h2>
      <DataTable
        testId="donor-receipts"
        rows={donor.receipts}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({ "data-kind": r.kind, "data-cancelled": r.cancelledBy ? "true" : "false" })}
        empty="No receipts."
        columns={[
          {
            header: "Number",
            cell: (r) => (
              <a href={`/donations/receipts/${r.id}/pdf`} className="text-brand-700 hover:underline" data-testid="receipt-pdf">
                {r.number}
              </a>
            ),
          },
          { header: "Issued", cell: (r) => r.issuedAt.toISOString().slice(0, 10) },
          { header: "", cell: (r) => (r.kind === "CANCELLATION" ? "Cancellation" : r.cancelledBy ? `Cancelled by ${r.cancelledBy.number}` : "Valid") },
          {
            header: "",
            cell: (r) => (
              <Link href={`/donations/receipts/${r.id}`} className="text-brand-700 hover:underline">
                {writes && r.kind === "RECEIPT" && !r.cancelledBy ? "Details or correct" : "Details"}
              </Link>
            ),
          },
          { header: "Amount", cell: (r) => formatMoney(r.amountMinor, r.currency), align: "right", className: "tabular-nums" },
        ]}
      />
    </section>
  );
}
