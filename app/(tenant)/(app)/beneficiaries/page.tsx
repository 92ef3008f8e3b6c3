import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { countBeneficiaries, listBeneficiaries } from "@/lib/queries/beneficiaries";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { beneficiaryListQuery } from "@/lib/schemas/beneficiaries";
import { readQuery, type SearchParams } from "@/lib/schemas/query";

export const metadata: Metadata = { title: "Beneficiaries" };

export default async function BeneficiariesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { q: search } = readQuery(beneficiaryListQuery, await searchParams);
  const { actor } = await memberRequest();
  const [beneficiaries, total] = await notFoundOnAppError(() =>
    Promise.all([listBeneficiaries(actor, { search }), countBeneficiaries(actor)]),
  );
  return (
    <section>
      <PageHeader title="Beneficiaries">
        {can(actor, "beneficiaries:write") ? (
          <Link href="/beneficiaries/new" className="btn">
            Register beneficiary
          </Link>
        ) : null}
      </PageHeader>
      <p className="mt-1 text-sm text-gray-600">
        <span data-testid="beneficiary-total">{total}</span> in your reach
      </p>
      <form className="mt-6 flex gap-2" role="search">
        <input name="q" defaultValue={search ?? ""} placeholder="Search by name" aria-label="Search by name" className="field max-w-xs" />
        <button type="submit" className="btn-quiet">
          Search
        </button>
      </form>
      <DataTable
        testId="beneficiary-list"
        rows={beneficiaries}
        rowKey={(b) => b.id}
        empty="No beneficiaries match."
        columns={[
          {
            header: "Name",
            cell: (b) => (
              <Link href={`/beneficiaries/${b.id}`} className="text-brand-700 hover:underline">
                {b.lastName}, {b.firstName}
              </Link>
            ),
          },
          { header: "Program", cell: (b) => b.location.program.name },
          { header: "Location", cell: (b) => b.location.name },
          { header: "Household", cell: (b) => b.householdSize },
        ]}
      />
    </section>
  );
}
