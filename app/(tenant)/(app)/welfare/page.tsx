import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { SelectFilter } from "@/app/_components/select-filter";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listWelfareCases } from "@/lib/queries/welfare-cases";
import { readQuery, type SearchParams } from "@/lib/schemas/query";
import { WELFARE_STATUSES, welfareCaseListQuery } from "@/lib/schemas/welfare-cases";
import { CASE_STATUS_LABELS, CATEGORY_LABELS } from "./labels";

export const metadata: Metadata = { title: "Welfare" };

/** The welfare cases, newest first, filtered by status; never their notes. */
export default async function WelfarePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const filter = readQuery(welfareCaseListQuery, await searchParams);
  const { actor } = await memberRequest();
  const cases = await notFoundOnAppError(() => listWelfareCases(actor, filter));
  return (
    <section>
      <PageHeader title="Welfare cases">
        {can(actor, "welfare:write") && (
          <Link href="/welfare/new" className="btn">
            Open a case
          </Link>
        )}
      </PageHeader>
      <form className="mt-6 flex flex-wrap items-end gap-2" role="search">
        <SelectFilter label="Status" name="status" value={filter.status} options={WELFARE_STATUSES.map((s) => ({ value: s, label: CASE_STATUS_LABELS[s] }))} />
        <button type="submit" className="btn-quiet">
          Filter
        </button>
      </form>
      <DataTable
        testId="welfare-list"
        rows={cases}
        rowKey={(c) => c.id}
        rowAttributes={(c) => ({ "data-status": c.status })}
        empty="No welfare cases match."
        columns={[
          {
            header: "Case",
            cell: (c) => (
              <Link href={`/welfare/${c.id}`} className="text-brand-700 hover:underline">
                {c.title}
              </Link>
            ),
          },
          { header: "Member", cell: (c) => (c.member ? `${c.member.firstName} ${c.member.lastName}` : "—") },
          { header: "Category", cell: (c) => CATEGORY_LABELS[c.category] },
          { header: "Status", cell: (c) => CASE_STATUS_LABELS[c.status] },
          { header: "Opened", cell: (c) => c.createdAt.toISOString().slice(0, 10) },
        ]}
      />
    </section>
  );
}
