import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/app/_components/page-header";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listPrograms } from "@/lib/queries/programs";
import { notFoundOnAppError } from "@/lib/actions/not-found";

export const metadata: Metadata = { title: "Programs" };

export default async function ProgramsPage() {
  const { actor } = await memberRequest();
  const programs = await notFoundOnAppError(() => listPrograms(actor));
  return (
    <section>
      <PageHeader title="Programs">
        {can(actor, "programs:write") ? (
          <Link href="/programs/new" className="btn">
            New program
          </Link>
        ) : null}
      </PageHeader>
      <ul className="mt-6 divide-y bg-white text-sm" data-testid="program-list">
        {programs.map((program) => (
          <li key={program.id} className="flex justify-between px-3 py-2">
            <Link href={`/programs/${program.id}`} className="text-brand-700 hover:underline">
              {program.name}
            </Link>
            <span className="text-gray-600">
              {program._count.locations} {program._count.locations === 1 ? "location" : "locations"}
            </span>
          </li>
        ))}
      </ul>
      {programs.length === 0 ? <p className="mt-4 text-gray-600">No programs yet.</p> : null}
    </section>
  );
}
