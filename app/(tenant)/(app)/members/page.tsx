import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listMembers } from "@/lib/queries/members";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberListQuery } from "@/lib/schemas/members";
import { readQuery, type SearchParams } from "@/lib/schemas/query";

export const metadata: Metadata = { title: "Members" };

/** The export takes the list's own search and archived filter. */
function exportQuery(q: string | null | undefined, archived: string | undefined): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (archived === "1") params.set("archived", "1");
  return params.size ? `?${params}` : "";
}

export default async function MembersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { q, archived } = readQuery(memberListQuery, await searchParams);
  const { actor } = await memberRequest();
  const members = await notFoundOnAppError(() => listMembers(actor, { search: q, includeArchived: archived === "1" }));
  return (
    <section>
      <PageHeader title="Members">
        <div className="flex gap-2">
          {/* A download, not a page: a plain link, so the browser saves the CSV. */}
          <a href={`/members/export${exportQuery(q, archived)}`} className="btn-quiet" download>
          Export CSV
        </a>
        {can(actor, "members:write") ? (
          <>
            <Link href="/members/import" className="btn-quiet">
              Import CSV
            </Link>
            <Link href="/members/new" className="btn">
              Add member
            </Link>
          </>
        ) : null}
        </div>
      </PageHeader>
      <form className="mt-6 flex gap-2" role="search">
        <input name="q" defaultValue={q ?? ""} placeholder="Search by name" aria-label="Search by name" className="field max-w-xs" />
        <label className="flex items-center gap-1 text-sm text-gray-600">
          <input type="checkbox" name="archived" value="1" defaultChecked={archived === "1"} /> include archived
        </label>
        <button type="submit" className="btn-quiet">
          Search
        </button>
      </form>
      <DataTable
        testId="member-list"
        rows={members}
        rowKey={(m) => m.id}
        empty="No members match."
        columns={[
          {
            header: "Name",
            cell: (m) => (
              <Link href={`/members/${m.id}`} className="text-brand-700 hover:underline">
                {m.lastName}, {m.firstName}
              </Link>
            ),
          },
          { header: "Email", cell: (m) => m.email ?? "—" },
          { header: "Phone", cell: (m) => m.phone ?? "—" },
          { header: "Status", cell: (m) => (m.status === "ACTIVE" ? "Active" : "Archived") },
        ]}
      />
    </section>
  );
}
