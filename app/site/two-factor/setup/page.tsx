import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { newTotpSecret, totpUri } from "@/lib/auth/totp";
import { platformRequest, requirePlatformAdminSession } from "@/lib/context/platform";
import { EnrolForm } from "../../../(tenant)/(second-factor)/two-factor/setup/enrol-form";
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
  const secret = newTotpSecret();
  const qr = await QRCode.toDataURL(totpUri(secret, `${session.user.email} (Harambee platform)`), { margin: 1, width: 220 });
  return (
    <main className="mx-auto max-w-xl px-6 py-12">
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      <p role="note" className="mt-2 text-sm">
        Platform administration requires a second factor: set it up to continue.
      </p>
      <p className="mt-2 text-sm text-gray-600">Scan this code with an authenticator app, or type the key, then enter the 6-digit code it shows.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated per request */}
      <img src={qr} alt="QR code for your authenticator app" width={220} height={220} className="mt-4" />
      <p className="mt-2 text-sm">
        Key: <code data-testid="totp-key">{secret.match(/.{4}/g)!.join(" ")}</code>
      </p>
      <EnrolForm secret={secret} confirm={confirmPlatformTwoFactorAction} continueTo="/admin" />
    </main>
  );
}
