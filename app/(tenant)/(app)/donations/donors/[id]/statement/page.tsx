import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { annualStatement } from "@/lib/queries/donations";
import { statementQuery } from "@/lib/schemas/donations";
import { readQuery, type SearchParams } from "@/lib/schemas/query";

export const metadata: Metadata = { title: "Annual statement" };

export default async function StatementPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const { id } = await params;
  const { year } = readQuery(statementQuery, await searchParams);
  const { actor } = await memberRequest();
  const statement = await notFoundOnAppError(() => annualStatement(actor, id, year));
  return (
    <section>
      <Link href={`/donations/donors/${statement.donorId}`} className="text-sm text-brand-700 hover:underline">
        ← {statement.donorName}
      </Link>
      <div className="mt-2 flex items-center justify-between">
        <h1 className="text-2xl font-semibold">
          Statement {statement.year}: {statement.donorName}
        </h1>
        <a href={`/donations/donors/${statement.donorId}/statement/pdf?year=${statement.year}`} className="btn" download>
          Download PDF
        </a>
      </div>
      <DataTable
        testId="statement-gifts"
        rows={statement.gifts}
        rowKey={(g) => `${g.date.toISOString()}-${g.receiptNumber}`}
        empty="No gifts this year."
        columns={[
          { header: "Received", cell: (g) => g.date.toISOString().slice(0, 10) },
          { header: "Receipt", cell: (g) => g.receiptNumber ?? "—" },
          { header: "Given as", cell: (g) => g.method },
          { header: "Fund", cell: (g) => g.fund ?? "General" },
          { header: "Amount", cell: (g) => formatMoney(g.amountMinor, g.currency), align: "right", className: "tabular-nums" },
        ]}
      />
      <p className="mt-4 font-semibold" data-testid="statement-total">
        {statement.totals.map((t) => `Total ${statement.year}: ${formatMoney(t.amountMinor, t.currency)}`).join(" · ") || "Total: none"}
      </p>
    </section>
  );
}
