import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { countBeneficiaries, listBeneficiaries } from "@/lib/queries/beneficiaries";
import { notFoundOnAppError } from "@/lib/actions/not-found";

export const metadata: Metadata = { title: "Beneficiaries" };

export default async function BeneficiariesPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const { q } = await searchParams;
  const { actor } = await memberRequest();
  const search = typeof q === "string" ? q : undefined;
  const [beneficiaries, total] = await notFoundOnAppError(() =>
    Promise.all([listBeneficiaries(actor, { search }), countBeneficiaries(actor)]),
  );
  return (
    <section>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Beneficiaries</h1>
        {can(actor, "beneficiaries:write") ? (
          <Link href="/beneficiaries/new" className="btn">
            Register beneficiary
          </Link>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-gray-600">
        <span data-testid="beneficiary-total">{total}</span> in your reach
      </p>
      <form className="mt-6 flex gap-2" role="search">
        <input name="q" defaultValue={search ?? ""} placeholder="Search by name" aria-label="Search by name" className="field max-w-xs" />
        <button type="submit" className="btn-quiet">
          Search
        </button>
      </form>
      <table className="mt-6 w-full border-collapse bg-white text-sm" data-testid="beneficiary-list">
        <thead>
          <tr className="border-b text-left text-gray-600">
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">Program</th>
            <th className="px-3 py-2">Location</th>
            <th className="px-3 py-2">Household</th>
          </tr>
        </thead>
        <tbody>
          {beneficiaries.map((b) => (
            <tr key={b.id} className="border-b last:border-0">
              <td className="px-3 py-2">
                <Link href={`/beneficiaries/${b.id}`} className="text-brand-700 hover:underline">
                  {b.lastName}, {b.firstName}
                </Link>
              </td>
              <td className="px-3 py-2">{b.location.program.name}</td>
              <td className="px-3 py-2">{b.location.name}</td>
              <td className="px-3 py-2">{b.householdSize}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {beneficiaries.length === 0 ? <p className="mt-4 text-gray-600">No beneficiaries match.</p> : null}
    </section>
  );
}
