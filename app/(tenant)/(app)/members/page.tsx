import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { listMembers } from "@/lib/queries/members";
import { notFoundOnAppError } from "@/lib/actions/not-found";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<{ q?: string; archived?: string }> }) {
  const { q, archived } = await searchParams;
  const { actor } = await memberRequest();
  const members = await notFoundOnAppError(() =>
    listMembers(actor, { search: typeof q === "string" ? q : undefined, includeArchived: archived === "1" }),
  );
  return (
    <section>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Members</h1>
        {can(actor, "members:write") ? (
          <Link href="/members/new" className="btn">
            Add member
          </Link>
        ) : null}
      </div>
      <form className="mt-6 flex gap-2" role="search">
        <input name="q" defaultValue={q ?? ""} placeholder="Search by name" aria-label="Search by name" className="field max-w-xs" />
        <label className="flex items-center gap-1 text-sm text-gray-600">
          <input type="checkbox" name="archived" value="1" defaultChecked={archived === "1"} /> include archived
        </label>
        <button type="submit" className="btn-quiet">
          Search
        </button>
      </form>
      <table className="mt-6 w-full border-collapse bg-white text-sm" data-testid="member-list">
        <thead>
          <tr className="border-b text-left text-gray-600">
            <th className="px-3 py-2">Name</th>
            <th className="px-3 py-2">Email</th>
            <th className="px-3 py-2">Phone</th>
            <th className="px-3 py-2">Status</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} className="border-b last:border-0">
              <td className="px-3 py-2">
                <Link href={`/members/${m.id}`} className="text-brand-700 hover:underline">
                  {m.lastName}, {m.firstName}
                </Link>
              </td>
              <td className="px-3 py-2">{m.email ?? "—"}</td>
              <td className="px-3 py-2">{m.phone ?? "—"}</td>
              <td className="px-3 py-2">{m.status === "ACTIVE" ? "Active" : "Archived"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {members.length === 0 ? <p className="mt-4 text-gray-600">No members match.</p> : null}
    </section>
  );
}
