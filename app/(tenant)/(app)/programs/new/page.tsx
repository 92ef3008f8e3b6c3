import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { createProgramAction } from "../actions";

export const metadata: Metadata = { title: "New program" };

export default async function NewProgramPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "programs:write")) notFound();
  return (
    <section>
      <h1 className="text-2xl font-semibold">New program</h1>
      <ActionForm
        action={createProgramAction}
        fields={[
          { name: "name", label: "Name" },
          { name: "description", label: "Description" },
        ]}
        submitLabel="Create program"
      />
    </section>
  );
}
