import type { Metadata } from "next";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { listMembers } from "@/lib/queries/members";
import { openSupportAccess } from "@/lib/services/support-access";

export const metadata: Metadata = { title: "Support access" };

/**
 * An organisation's member register, read as platform support: only while the
 * owner's grant is live, otherwise the 404 page (promise P9). Each opening and
 * each refusal is recorded on both audit chains.
 */
export default async function SupportViewPage({ searchParams }: { searchParams: Promise<{ organization?: string | string[] }> }) {
  const { actor: admin } = requirePlatformAdmin(await platformRequest());
  const { organization } = await searchParams;
  const { actor, org, expiresAt } = await notFoundOnAppError(() => openSupportAccess(admin, typeof organization === "string" ? organization : ""));
  const members = await listMembers(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">{org.name}: member register</h1>
      <p className="mt-2 text-gray-600">
        Read under the owner&apos;s support grant, until <time dateTime={expiresAt.toISOString()}>{expiresAt.toUTCString()}</time>.
      </p>
      <table className="mt-6 w-full bg-white text-sm" data-testid="support-member-list">
        <tbody className="divide-y">
          {members.map((member) => (
            <tr key={member.id}>
              <td className="px-3 py-2">
                {member.lastName}, {member.firstName}
              </td>
              <td className="px-3 py-2">{member.email}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
