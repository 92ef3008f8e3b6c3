import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { listArrears } from "@/lib/queries/dues";
import { arrearsPageQuery } from "@/lib/schemas/invoice-filters";
import { readQuery, type SearchParams } from "@/lib/schemas/query";

export const metadata: Metadata = { title: "Arrears" };

export default async function ArrearsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { after } = readQuery(arrearsPageQuery, await searchParams);
  const { actor } = await memberRequest();
  const { rows, totals, next } = await notFoundOnAppError(() => listArrears(actor, after));
  return (
    <section>
      <PageHeader title="Arrears">
        <Link href="/dues/invoices?state=overdue" className="btn-quiet">
          Overdue invoices
        </Link>
      </PageHeader>
      <p className="mt-2 text-sm text-gray-600">Members with issued invoices not yet paid in full, the oldest debt first.</p>
      <ul className="mt-4 flex flex-wrap gap-4" data-testid="arrears-totals">
        {totals.map((t) => (
          <li key={t.currency} className="rounded border bg-white px-4 py-2" data-currency={t.currency}>
            <span className="block text-xl font-semibold tabular-nums">{formatMoney(t.balanceMinor, t.currency)}</span>
            <span className="text-sm text-gray-600">
              owed by {t.members} member{t.members === 1 ? "" : "s"}
            </span>
          </li>
        ))}
      </ul>
      <DataTable
        testId="arrears-list"
        rows={rows}
        rowKey={(r) => `${r.member_id}-${r.currency}`}
        empty="Nobody owes anything."
        columns={[
          {
            header: "Member",
            cell: (r) => (
              <Link href={`/members/${r.member_id}`} className="text-brand-700 hover:underline">
                {r.last_name}, {r.first_name}
              </Link>
            ),
          },
          { header: "Owing since", className: "whitespace-nowrap", cell: (r) => r.oldest_due_on.toISOString().slice(0, 10) },
          { header: "Invoices", align: "right", cell: (r) => r.invoices },
          { header: "Balance", align: "right", className: "tabular-nums whitespace-nowrap", cell: (r) => formatMoney(r.balance_minor, r.currency) },
        ]}
      />
      {next ? (
        <Link href={`/dues/arrears?after=${encodeURIComponent(next)}`} className="btn-quiet mt-4">
          More
        </Link>
      ) : null}
    </section>
  );
}
