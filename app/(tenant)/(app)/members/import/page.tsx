import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/app/_components/page-header";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { MEMBER_CSV_COLUMNS } from "@/lib/members/csv";
import { MemberImport } from "./member-import";

export const metadata: Metadata = { title: "Import members" };

export default async function ImportMembersPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "members:write")) notFound();
  return (
    <section>
      <PageHeader title="Import members">
        <a href="/members/import/csv" className="btn-quiet" download>
          Download the template
        </a>
      </PageHeader>
      <p className="mt-4 text-sm text-gray-600">
        One member per row under the header <code>{MEMBER_CSV_COLUMNS.join(",")}</code>, as the template and the export have it. Every row is checked before
        anything is saved; then all of them are imported, or none. A row whose email, phone number, NIN or BVN is already a member&apos;s is skipped.
      </p>
      <MemberImport />
    </section>
  );
}
