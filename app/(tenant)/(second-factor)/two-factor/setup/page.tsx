import type { Metadata } from "next";
import { ActionForm } from "@/app/_components/action-form";
import { TotpEnrolment } from "@/app/_components/totp-enrolment";
import { newTotpSecret } from "@/lib/auth/totp";
import { mustUseTwoFactor } from "@/lib/authz/capabilities";
import { secondFactorRequest } from "@/lib/context/request";
import { confirmTwoFactorAction, disableTwoFactorAction } from "../actions";

export const metadata: Metadata = { title: "Two-factor authentication" };

/**
 * Enrolment: a fresh secret per visit, as a QR code and as a key to type.
 * Nothing is stored until a first code from it is confirmed.
 */
export default async function TwoFactorSetupPage() {
  const { org, session, actor } = await secondFactorRequest();
  if (session.user.twoFactorEnabled) {
    return (
      <main className="mx-auto max-w-xl px-6 py-12">
        <h1 className="text-2xl font-semibold">Two-factor authentication is on</h1>
        <p className="mt-2 text-sm text-gray-600">To turn it off, enter your password and a current code.</p>
        <ActionForm
          action={disableTwoFactorAction}
          fields={[
            { name: "password", label: "Password", type: "password" },
            { name: "code", label: "Code from the app" },
          ]}
          submitLabel="Turn off two-factor"
        />
        <p className="mt-6 text-sm">
          <a href="/account" className="underline">
            Back to your account
          </a>
        </p>
      </main>
    );
  }
  return (
    <TotpEnrolment
      secret={newTotpSecret()}
      account={`${session.user.email} (${org.name})`}
      note={mustUseTwoFactor(actor, session.user.isPlatformAdmin) ? "Your role requires a second factor: set it up to continue." : undefined}
      confirm={confirmTwoFactorAction}
      continueTo="/"
    />
  );
}
