import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/app/_components/action-form";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { getWelfareCaseNotes } from "@/lib/queries/welfare-cases";
import { updateWelfareNotesAction } from "../../actions";

export const metadata: Metadata = { title: "Welfare case notes" };

/** A case's confidential notes: its creator, treasurers and admins; anyone else gets the 404 page. */
export default async function WelfareNotesPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const found = await notFoundOnAppError(() => getWelfareCaseNotes(actor, id));
  return (
    <section>
      <Link href={`/welfare/${found.id}`} className="text-sm text-brand-700 hover:underline">
        ← {found.title}
      </Link>
      <PageHeader title="Case notes" />
      <p className="mt-4 max-w-prose whitespace-pre-wrap rounded border border-gray-200 bg-gray-50 p-4 text-sm" data-testid="welfare-notes">
        {found.notes}
      </p>
      <ActionForm
        action={updateWelfareNotesAction}
        testId="welfare-notes-form"
        hidden={{ caseId: found.id }}
        values={{ notes: found.notes }}
        fields={[{ name: "notes", label: "Edit the notes", type: "textarea" }]}
        submitLabel="Save notes"
      />
    </section>
  );
}
