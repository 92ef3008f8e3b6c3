import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/app/_components/action-form";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { welfareMemberChoices } from "@/lib/queries/welfare-cases";
import { WELFARE_CATEGORIES } from "@/lib/schemas/welfare-cases";
import { openWelfareCaseAction } from "../actions";
import { CATEGORY_LABELS } from "../labels";

export const metadata: Metadata = { title: "Open a welfare case" };

export default async function NewWelfareCasePage() {
  const { actor } = await memberRequest();
  const members = await notFoundOnAppError(() => welfareMemberChoices(actor));
  return (
    <section>
      <Link href="/welfare" className="text-sm text-brand-700 hover:underline">
        ← Welfare cases
      </Link>
      <PageHeader title="Open a welfare case" />
      <p className="mt-2 max-w-prose text-sm text-gray-600">
        The notes are confidential: only you, the treasurers and the admins can read them. They are stored encrypted and never copied into the audit trail.
      </p>
      <ActionForm
        action={openWelfareCaseAction}
        testId="welfare-case-form"
        fields={[
          { name: "memberId", label: "Member", type: "select", options: members.map((m) => ({ value: m.id, label: `${m.lastName}, ${m.firstName}` })) },
          { name: "category", label: "Category", type: "select", options: WELFARE_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })) },
          { name: "title", label: "Title" },
          { name: "notes", label: "Case notes (confidential)", type: "textarea" },
        ]}
        submitLabel="Open case"
      />
    </section>
  );
}
