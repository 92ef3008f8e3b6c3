import type { Metadata } from "next";
import QRCode from "qrcode";
import { newTotpSecret, totpUri } from "@/lib/auth/totp";
import { mustUseTwoFactor } from "@/lib/authz/capabilities";
import { secondFactorRequest } from "@/lib/context/request";
import { ActionForm } from "../../../(app)/action-form";
import { confirmTwoFactorAction, disableTwoFactorAction } from "../actions";
import { EnrolForm } from "./enrol-form";

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
  const secret = newTotpSecret();
  const qr = await QRCode.toDataURL(totpUri(secret, `${session.user.email} (${org.name})`), { margin: 1, width: 220 });
  return (
    <main className="mx-auto max-w-xl px-6 py-12">
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      {mustUseTwoFactor(actor, session.user.isPlatformAdmin) ? (
        <p role="note" className="mt-2 text-sm">
          Your role requires a second factor: set it up to continue.
        </p>
      ) : null}
      <p className="mt-2 text-sm text-gray-600">Scan this code with an authenticator app, or type the key, then enter the 6-digit code it shows.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated per request */}
      <img src={qr} alt="QR code for your authenticator app" width={220} height={220} className="mt-4" />
      <p className="mt-2 text-sm">
        Key: <code data-testid="totp-key">{secret.match(/.{4}/g)!.join(" ")}</code>
      </p>
      <EnrolForm secret={secret} confirm={confirmTwoFactorAction} continueTo="/" />
    </main>
  );
}
