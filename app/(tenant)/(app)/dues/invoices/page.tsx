import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { SelectFilter } from "@/app/_components/select-filter";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { INVOICE_STATE_LABELS, INVOICE_STATES } from "@/lib/dues/invoice-state";
import { formatMoney } from "@/lib/dues/money";
import { listInvoices, listPlans, periodLabel } from "@/lib/queries/dues";
import { invoicePageQuery, type InvoiceFilter } from "@/lib/schemas/invoice-filters";
import { readQuery, type SearchParams } from "@/lib/schemas/query";

export const metadata: Metadata = { title: "Dues invoices" };

/** The query string of the current filters, for the next page and the export link. */
function queryOf(filter: InvoiceFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `?${query}` : "";
}

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { after, ...filter } = readQuery(invoicePageQuery, await searchParams);
  const { actor } = await memberRequest();
  const [{ invoices, next }, plans] = await notFoundOnAppError(() => Promise.all([listInvoices(actor, filter, after), listPlans(actor)]));
  return (
    <section>
      <PageHeader title="Dues invoices">
        <div className="flex gap-2">
          <Link href="/dues" className="btn-quiet">
            Plans
          </Link>
          <a href={`/dues/invoices/export${queryOf(filter)}`} className="btn" download>
            Export CSV
          </a>
        </div>
      </PageHeader>
      <form className="mt-6 flex flex-wrap items-end gap-2" role="search">
        <SelectFilter label="State" name="state" value={filter.state} options={INVOICE_STATES.map((s) => ({ value: s, label: INVOICE_STATE_LABELS[s] }))} />
        <SelectFilter label="Plan" name="planId" value={filter.planId} options={plans.map((p) => ({ value: p.id, label: p.name }))} />
        <label className="text-sm text-gray-600">
          Period
          <input name="period" defaultValue={filter.period ?? ""} placeholder="e.g. 2026-27" className="field mt-1" />
        </label>
        <button type="submit" className="btn-quiet">
          Filter
        </button>
      </form>
      <DataTable
        testId="invoice-list"
        rows={invoices}
        rowKey={(i) => i.id}
        rowAttributes={(i) => ({ "data-state": i.state })}
        empty="No invoices match."
        columns={[
          {
            header: "Payer",
            cell: (i) => (
              <Link href={`/dues/invoices/${i.id}`} className="text-brand-700 hover:underline">
                {i.last_name}, {i.first_name}
              </Link>
            ),
          },
          { header: "Plan", cell: (i) => i.plan_name },
          { header: "Period", cell: (i) => periodLabel(i.period) },
          { header: "Due", className: "whitespace-nowrap", cell: (i) => i.due_on.toISOString().slice(0, 10) },
          { header: "Amount", align: "right", className: "tabular-nums whitespace-nowrap", cell: (i) => formatMoney(i.amount_minor, i.currency) },
          { header: "Balance", align: "right", className: "tabular-nums whitespace-nowrap", cell: (i) => formatMoney(i.balance_minor, i.currency) },
          { header: "State", cell: (i) => INVOICE_STATE_LABELS[i.state] },
        ]}
      />
      {next ? (
        <Link href={`/dues/invoices${queryOf(filter, { after: next })}`} className="btn-quiet mt-4">
          More invoices
        </Link>
      ) : null}
    </section>
  );
}
