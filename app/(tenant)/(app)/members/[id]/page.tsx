import type { Metadata } from "next";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { getMember, memberLogin } from "@/lib/queries/members";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { archiveMemberAction, linkMemberLoginAction, updateMemberAction } from "../actions";
import { MEMBER_FIELDS } from "../fields";

export const metadata: Metadata = { title: "Member" };

export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const member = await notFoundOnAppError(() => getMember(actor, id));
  const editable = can(actor, "members:write");
  const login = can(actor, "roles:manage") ? await memberLogin(actor, member.id) : null;
  return (
    <section>
      <h1 className="text-2xl font-semibold" data-testid="member-name">
        {member.firstName} {member.lastName}
      </h1>
      <p className="mt-1 text-sm text-gray-600">
        {member.status === "ACTIVE" ? "Active" : "Archived"} · joined {member.joinedOn.toISOString().slice(0, 10)}
      </p>
      {editable ? (
        <>
          <ActionForm
            action={updateMemberAction}
            hidden={{ id: member.id }}
            fields={MEMBER_FIELDS}
            values={{ firstName: member.firstName, lastName: member.lastName, email: member.email ?? "", phone: member.phone ?? "" }}
            submitLabel="Save changes"
          />
          {member.status === "ACTIVE" ? (
            <ActionButton action={archiveMemberAction} hidden={{ id: member.id }} label="Archive member" className="mt-8" buttonClassName="btn-quiet text-red-700" />
          ) : null}
        </>
      ) : (
        <dl className="mt-6 grid max-w-md grid-cols-2 gap-2 text-sm">
          <dt className="text-gray-600">Email</dt>
          <dd>{member.email ?? "—"}</dd>
          <dt className="text-gray-600">Phone</dt>
          <dd>{member.phone ?? "—"}</dd>
        </dl>
      )}
      {login ? (
        <div className="mt-10" data-testid="member-login">
          <h2 className="text-lg font-semibold">Login</h2>
          <p className="mt-1 text-sm text-gray-600" data-testid="member-login-status">
            {login.linked ? `Linked to ${login.linked.email}: they see this member's invoices under "My dues".` : "No login: this member does not see their dues."}
          </p>
          <ActionForm
            action={linkMemberLoginAction}
            hidden={{ memberId: member.id }}
            fields={[
              {
                name: "userId",
                label: "Login",
                type: "select",
                options: [{ value: "", label: "None" }, ...login.choices.map((c) => ({ value: c.userId, label: `${c.email} (${c.role.toLowerCase().replace("_", " ")})` }))],
              },
            ]}
            values={{ userId: login.linked?.id ?? "" }}
            submitLabel="Save login"
          />
        </div>
      ) : null}
    </section>
  );
}
