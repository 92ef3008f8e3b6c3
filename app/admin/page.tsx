import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm, type FormField } from "@/app/_components/action-form";
import { DataTable } from "@/app/_components/data-table";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { listOrganizations } from "@/lib/queries/platform-organizations";
import { restoreOrganizationAction, sendIncidentNoticeAction, sendSubprocessorNoticeAction, suspendOrganizationAction } from "./actions";

export const metadata: Metadata = { title: "Organisations" };

/** A notice's own fields; an incident notice also names the organisations it concerns. */
const NOTICE_FIELDS: FormField[] = [
  { name: "subject", label: "Subject" },
  { name: "body", label: "Notice", type: "textarea" },
];
const NOTICE_FORM = "mt-4 max-w-2xl space-y-4";

/** Every organisation with its status and usage; support access only where the owner has let it in. */
export default async function AdminOrganizationsPage() {
  const { actor } = requirePlatformAdmin(await platformRequest());
  const organizations = await listOrganizations(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Organisations</h1>
      <DataTable
        testId="organization-list"
        rows={organizations}
        rowKey={(org) => org.id}
        rowAttributes={(org) => ({ "data-organization": org.slug })}
        columns={[
          {
            header: "Organisation",
            cell: (org) => (
              <>
                {org.name}
                <span className="block text-xs text-gray-500">
                  {org.slug} · {org.kind.toLowerCase()}
                  {org.district ? ` · ${org.district.code}` : ""}
                </span>
              </>
            ),
          },
          { header: "Status", attributes: { "data-field": "status" }, cell: (org) => org.status.toLowerCase() },
          { header: "People", align: "right", cell: (org) => org._count.memberships },
          { header: "Members", align: "right", cell: (org) => org._count.members },
          { header: "Beneficiaries", align: "right", cell: (org) => org._count.beneficiaries },
          {
            header: "Support access",
            cell: ({ id, supportGrants: [grant] }) =>
              grant ? <Link href={`/admin/support?organization=${id}`}>until {grant.expiresAt.toUTCString()}</Link> : <span className="text-gray-500">none</span>,
          },
          {
            header: "",
            cell: (org) => {
              const suspended = org.status === "SUSPENDED";
              return (
                <ActionButton
                  action={suspended ? restoreOrganizationAction : suspendOrganizationAction}
                  hidden={{ organizationId: org.id }}
                  label={suspended ? "Restore" : "Suspend"}
                />
              );
            },
          },
        ]}
      />

      <h2 className="mt-10 text-xl font-semibold">Incident notice</h2>
      <p className="mt-1 text-sm text-gray-600">Emailed to the owners of each organisation ticked, and recorded on its audit trail (within 72 hours of a breach).</p>
      <ActionForm
        action={sendIncidentNoticeAction}
        fields={[
          {
            name: "organizationIds",
            label: "Organisations affected",
            type: "checkboxes",
            options: organizations.map((org) => ({ value: org.id, label: org.name, attributes: { "data-organization": org.slug } })),
          },
          ...NOTICE_FIELDS,
        ]}
        submitLabel="Send incident notice"
        className={NOTICE_FORM}
        testId="incident-notice"
      />

      <h2 className="mt-10 text-xl font-semibold">Sub-processor change notice</h2>
      <p className="mt-1 text-sm text-gray-600">Emailed to the owners of every active organisation; the email says the change takes effect no sooner than 30 days on.</p>
      <ActionForm action={sendSubprocessorNoticeAction} fields={NOTICE_FIELDS} submitLabel="Send sub-processor notice" className={NOTICE_FORM} testId="subprocessor-notice" />
    </section>
  );
}
