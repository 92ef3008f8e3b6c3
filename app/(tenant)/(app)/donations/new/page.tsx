import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { recordDonationAction } from "../actions";
import { DONATION_FIELDS } from "../fields";

export const metadata: Metadata = { title: "Record a gift" };

export default async function NewDonationPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "donations:write")) notFound();
  return (
    <section>
      <h1 className="text-2xl font-semibold">Record a gift</h1>
      <p className="mt-1 text-sm text-gray-600">Cash, a bank transfer or a gift in kind. A returning donor is found by email or phone; the receipt is issued at once.</p>
      <ActionForm
        action={recordDonationAction}
        fields={DONATION_FIELDS}
        values={{ currency: "KES", method: "CASH", receivedOn: new Date().toISOString().slice(0, 10) }}
        submitLabel="Record the gift"
        testId="record-donation"
      />
    </section>
  );
}
