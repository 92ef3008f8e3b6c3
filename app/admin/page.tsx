import type { Metadata } from "next";
import Link from "next/link";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { listOrganizations } from "@/lib/queries/platform-organizations";
import { restoreOrganizationAction, sendIncidentNoticeAction, sendSubprocessorNoticeAction, suspendOrganizationAction } from "./actions";
import { NoticeForm } from "./notice-form";

export const metadata: Metadata = { title: "Organisations" };

/** Every organisation with its status and usage; support access only where the owner has let it in. */
export default async function AdminOrganizationsPage() {
  const { actor } = requirePlatformAdmin(await platformRequest());
  const organizations = await listOrganizations(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Organisations</h1>
      <table className="mt-6 w-full bg-white text-sm" data-testid="organization-list">
        <thead>
          <tr className="text-left">
            <th className="px-3 py-2">Organisation</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2 text-right">People</th>
            <th className="px-3 py-2 text-right">Members</th>
            <th className="px-3 py-2 text-right">Beneficiaries</th>
            <th className="px-3 py-2">Support access</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y">
          {organizations.map((org) => {
            const grant = org.supportGrants[0];
            return (
              <tr key={org.id} data-organization={org.slug}>
                <td className="px-3 py-2">
                  {org.name}
                  <span className="block text-xs text-gray-500">
                    {org.slug} · {org.kind.toLowerCase()}
                    {org.district ? ` · ${org.district.code}` : ""}
                  </span>
                </td>
                <td className="px-3 py-2" data-field="status">
                  {org.status.toLowerCase()}
                </td>
                <td className="px-3 py-2 text-right">{org._count.memberships}</td>
                <td className="px-3 py-2 text-right">{org._count.members}</td>
                <td className="px-3 py-2 text-right">{org._count.beneficiaries}</td>
                <td className="px-3 py-2">
                  {grant ? (
                    <Link href={`/admin/support?organization=${org.id}`}>until {grant.expiresAt.toUTCString()}</Link>
                  ) : (
                    <span className="text-gray-500">none</span>
                  )}
                </td>
                <td className="px-3 py-2">
                  <form action={org.status === "SUSPENDED" ? restoreOrganizationAction : suspendOrganizationAction}>
                    <input type="hidden" name="organizationId" value={org.id} />
                    <button type="submit" className="btn-quiet">
                      {org.status === "SUSPENDED" ? "Restore" : "Suspend"}
                    </button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2 className="mt-10 text-xl font-semibold">Incident notice</h2>
      <p className="mt-1 text-sm text-gray-600">Emailed to the owners of each organisation ticked, and recorded on its audit trail (within 72 hours of a breach).</p>
      <NoticeForm action={sendIncidentNoticeAction} organizations={organizations} submitLabel="Send incident notice" testId="incident-notice" />

      <h2 className="mt-10 text-xl font-semibold">Sub-processor change notice</h2>
      <p className="mt-1 text-sm text-gray-600">Emailed to the owners of every active organisation; the email says the change takes effect no sooner than 30 days on.</p>
      <NoticeForm action={sendSubprocessorNoticeAction} submitLabel="Send sub-processor notice" testId="subprocessor-notice" />
    </section>
  );
}
