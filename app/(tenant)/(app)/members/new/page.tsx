import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { createMemberAction } from "../actions";
import { MEMBER_FIELDS } from "../fields";

export const metadata: Metadata = { title: "Add member" };

export default async function NewMemberPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "members:write")) notFound();
  return (
    <section>
      <h1 className="text-2xl font-semibold">Add member</h1>
      <ActionForm action={createMemberAction} fields={MEMBER_FIELDS} submitLabel="Add member" />
    </section>
  );
}
