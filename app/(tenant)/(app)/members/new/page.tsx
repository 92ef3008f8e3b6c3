import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { createMemberAction } from "../actions";
import { MemberForm } from "../member-form";

export const metadata: Metadata = { title: "Add member" };

export default async function NewMemberPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "members:write")) notFound();
  return (
    <section>
      <h1 className="text-2xl font-semibold">Add member</h1>
      <MemberForm action={createMemberAction} submitLabel="Add member" />
    </section>
  );
}
