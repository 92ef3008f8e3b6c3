import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { DataTable } from "@/app/_components/data-table";
import { memberRequest } from "@/lib/context/request";
import { ownSessions } from "@/lib/queries/sessions";
import { changePasswordAction, endSessionsAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function AccountPage() {
  const { org, session } = await memberRequest();
  const { sessions, previous } = await ownSessions(org.id, session.user.id, session.sessionId);
  return (
    <section className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold">Your account</h1>
        <p className="mt-2 text-sm text-gray-600" data-testid="last-sign-in">
          {previous ? `Last sign-in before this one: ${when(previous.createdAt)} from ${previous.ip ?? "an unknown address"}.` : "This is your first sign-in here."}
        </p>
      </div>
      <div>
        <h2 className="text-lg font-semibold">Your sessions</h2>
        <DataTable
          testId="session-list"
          className="mt-3"
          rows={sessions}
          rowKey={(s) => s.id}
          columns={[
            { header: "Signed in", cell: (s) => when(s.createdAt) },
            { header: "Last active", cell: (s) => when(s.lastSeenAt) },
            { header: "Address", cell: (s) => s.ip ?? "unknown" },
            { header: "Browser", className: "max-w-xs truncate", cell: (s) => s.userAgent ?? "unknown" },
            {
              header: "",
              cell: (s) =>
                s.current ? <span className="text-gray-600">This session</span> : <ActionButton action={endSessionsAction} hidden={{ sessionId: s.id }} label="End" />,
            },
          ]}
        />
        {sessions.length > 1 ? <ActionButton action={endSessionsAction} label="End all other sessions" className="mt-3" /> : null}
      </div>
      <div>
        <h2 className="text-lg font-semibold">Change password</h2>
        <p className="mt-1 text-sm text-gray-600">At least 12 characters, not only digits, not a common password, without your email or name.</p>
        <ActionForm
          action={changePasswordAction}
          fields={[
            { name: "current", label: "Current password", type: "password" },
            { name: "password", label: "New password", type: "password" },
            { name: "confirm", label: "New password again", type: "password" },
          ]}
          submitLabel="Change password"
        />
      </div>
      <p>
        <Link href="/account/two-factor" className="underline">
          Two-factor authentication
        </Link>
      </p>
    </section>
  );
}
