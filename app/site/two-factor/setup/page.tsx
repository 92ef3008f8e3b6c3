import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { TotpEnrolment } from "@/app/_components/totp-enrolment";
import { newTotpSecret } from "@/lib/auth/totp";
import { platformRequest, requirePlatformAdminSession } from "@/lib/context/platform";
import { confirmPlatformTwoFactorAction } from "../actions";

export const metadata: Metadata = { title: "Two-factor authentication" };

/**
 * A platform admin's enrolment (promise M4.5): /admin sends them here until
 * they have a second factor. A fresh secret per visit; nothing is stored until
 * a first code from it is confirmed.
 */
export default async function PlatformTwoFactorSetupPage() {
  const { session } = requirePlatformAdminSession(await platformRequest());
  if (session.user.twoFactorEnabled && !session.secondFactorDone) redirect("/two-factor/verify");
  if (session.user.twoFactorEnabled) {
    return (
      <main className="mx-auto max-w-xl px-6 py-12">
        <h1 className="text-2xl font-semibold">Two-factor authentication is on</h1>
        <p className="mt-4 text-sm">
          <Link href="/admin" className="underline">
            Continue to the platform
          </Link>
        </p>
      </main>
    );
  }
  return (
    <TotpEnrolment
      secret={newTotpSecret()}
      account={`${session.user.email} (Harambee platform)`}
      note="Platform administration requires a second factor: set it up to continue."
      confirm={confirmPlatformTwoFactorAction}
      continueTo="/admin"
    />
  );
}
