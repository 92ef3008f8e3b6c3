import type { Metadata } from "next";
import { ActionForm } from "@/app/_components/action-form";
import { AttachmentsPanel } from "@/app/_components/attachments-panel";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listAttachments } from "@/lib/queries/attachments";
import { getBeneficiary } from "@/lib/queries/beneficiaries";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { updateBeneficiaryAction } from "../actions";
import { BENEFICIARY_FIELDS } from "../fields";

export const metadata: Metadata = { title: "Beneficiary" };

export default async function BeneficiaryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const beneficiary = await notFoundOnAppError(() => getBeneficiary(actor, id));
  const attachments = await listAttachments(actor, "beneficiary", beneficiary.id);
  return (
    <section>
      <h1 className="text-2xl font-semibold" data-testid="beneficiary-name">
        {beneficiary.firstName} {beneficiary.lastName}
      </h1>
      <p className="mt-1 text-sm text-gray-600">
        {beneficiary.location.program.name} · {beneficiary.location.name} · registered{" "}
        {beneficiary.createdAt.toISOString().slice(0, 10)}
      </p>
      {can(actor, "beneficiaries:write") ? (
        <ActionForm
          action={updateBeneficiaryAction}
          hidden={{ id: beneficiary.id }}
          fields={BENEFICIARY_FIELDS}
          values={{ firstName: beneficiary.firstName, lastName: beneficiary.lastName, householdSize: String(beneficiary.householdSize) }}
          submitLabel="Save changes"
        />
      ) : (
        <dl className="mt-6 grid max-w-md grid-cols-2 gap-2 text-sm">
          <dt className="text-gray-600">Household size</dt>
          <dd>{beneficiary.householdSize}</dd>
        </dl>
      )}
      <AttachmentsPanel
        base={`/beneficiaries/${beneficiary.id}/attachments`}
        attachments={attachments.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }))}
        canUpload={can(actor, "beneficiaries:write")}
      />
    </section>
  );
}
