import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listLocations } from "@/lib/queries/programs";
import { createBeneficiaryAction } from "../actions";
import { BENEFICIARY_FIELDS } from "../fields";

export const metadata: Metadata = { title: "Register beneficiary" };

export default async function NewBeneficiaryPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "beneficiaries:write")) notFound();
  const locations = await listLocations(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Register beneficiary</h1>
      {locations.length === 0 ? (
        <p className="mt-4 text-gray-600">You are not assigned to a location yet; ask an administrator.</p>
      ) : (
        <ActionForm
          action={createBeneficiaryAction}
          fields={[
            {
              name: "locationId",
              label: "Location",
              type: "select",
              options: locations.map((l) => ({ value: l.id, label: `${l.program.name} · ${l.name}` })),
            },
            ...BENEFICIARY_FIELDS,
          ]}
          values={{ householdSize: "1" }}
          submitLabel="Register"
        />
      )}
    </section>
  );
}
