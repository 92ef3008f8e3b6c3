import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { getProgram } from "@/lib/queries/programs";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { createLocationAction } from "../actions";

export const metadata: Metadata = { title: "Program" };

export default async function ProgramPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const program = await notFoundOnAppError(() => getProgram(actor, id));
  return (
    <section>
      <h1 className="text-2xl font-semibold" data-testid="program-name">
        {program.name}
      </h1>
      {program.description ? <p className="mt-1 text-gray-600">{program.description}</p> : null}
      <h2 className="mt-8 text-lg font-semibold">Locations</h2>
      <ul className="mt-2 divide-y bg-white text-sm" data-testid="location-list">
        {program.locations.map((location) => (
          <li key={location.id} className="flex justify-between px-3 py-2">
            <span>{location.name}</span>
            <span className="text-gray-600">{location._count.beneficiaries} beneficiaries</span>
          </li>
        ))}
      </ul>
      {program.locations.length === 0 ? <p className="mt-2 text-gray-600">No locations you can see.</p> : null}
      {can(actor, "beneficiaries:read") ? (
        <Link href="/beneficiaries" className="btn-quiet mt-4">
          Beneficiaries
        </Link>
      ) : null}
      {can(actor, "locations:write") ? (
        <>
          <h2 className="mt-8 text-lg font-semibold">Add a location</h2>
          <ActionForm
            action={createLocationAction}
            hidden={{ programId: program.id }}
            fields={[{ name: "name", label: "Location name" }]}
            submitLabel="Add location"
          />
        </>
      ) : null}
    </section>
  );
}
