import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { SUPPORT_GRANT_MAX_HOURS } from "@/lib/schemas/support-grants";
import { currentSupportGrant } from "@/lib/queries/support-grants";
import { grantSupportAccessAction, revokeSupportAccessAction } from "./actions";

export const metadata: Metadata = { title: "Support access" };

const HOURS = [1, 4, 24, 48, SUPPORT_GRANT_MAX_HOURS];

/** The owner lets platform support read the member register for a limited time (promise P9). */
export default async function SupportAccessPage() {
  const { actor } = await memberRequest();
  if (!can(actor, "support:grant")) notFound();
  const grant = await currentSupportGrant(actor);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Support access</h1>
      <p className="mt-2 max-w-2xl text-gray-600">
        Harambee&apos;s platform staff cannot see your organisation&apos;s data. If you need their help, let them in for a limited
        time: they can then read the member register until the time runs out or you revoke it. Every look is recorded in your
        audit trail.
      </p>
      {grant ? (
        <div className="mt-6 rounded border bg-white p-4" data-testid="support-grant">
          <p>
            Support can look in until <time dateTime={grant.expiresAt.toISOString()}>{grant.expiresAt.toUTCString()}</time>.
          </p>
          <ActionButton action={revokeSupportAccessAction} label="Revoke now" className="mt-3" buttonClassName="btn" />
        </div>
      ) : (
        <p className="mt-6" data-testid="support-grant-none">
          Platform support has no access.
        </p>
      )}
      <ActionForm
        action={grantSupportAccessAction}
        fields={[{ name: "hours", label: "Let support in for", type: "select", options: HOURS.map((h) => ({ value: String(h), label: `${h} hours` })) }]}
        values={{ hours: "24" }}
        submitLabel={grant ? "Replace with a new window" : "Let support in"}
      />
    </section>
  );
}
