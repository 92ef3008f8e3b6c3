import type { Metadata } from "next";
import Link from "next/link";
import { memberRequest } from "@/lib/context/request";
import { ownSessions } from "@/lib/queries/sessions";
import { ActionForm } from "../action-form";
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
        <table className="mt-3 w-full text-sm" data-testid="session-list">
          <thead>
            <tr className="text-left text-gray-600">
              <th>Signed in</th>
              <th>Last active</th>
              <th>Address</th>
              <th>Browser</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>{s.ip ?? "unknown"}</td>
                <td className="max-w-xs truncate">{s.userAgent ?? "unknown"}</td>
                <td>
                  {s.current ? (
                    <span className="text-gray-600">This session</span>
                  ) : (
                    <form action={endSessionsAction}>
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button type="submit" className="btn-quiet">
                        End
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions.length > 1 ? (
          <form action={endSessionsAction} className="mt-3">
            <button type="submit" className="btn-quiet">
              End all other sessions
            </button>
          </form>
        ) : null}
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
