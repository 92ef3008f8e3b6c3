import QRCode from "qrcode";
import type { FormAction } from "@/lib/actions/form-state";
import { totpUri } from "@/lib/auth/totp";
import { EnrolForm } from "./enrol-form";

const QR_SIZE = 220;

/**
 * The enrolment page's body: the secret as a QR code and as a key to type,
 * and the form that confirms it. `account` is the name the authenticator app
 * shows; `note` says why a second factor is required, where it is.
 */
export async function TotpEnrolment({
  secret,
  account,
  note,
  confirm,
  continueTo,
}: {
  secret: string;
  account: string;
  note?: string;
  confirm: FormAction<{ recoveryCodes: string[] }>;
  continueTo: string;
}) {
  const qr = await QRCode.toDataURL(totpUri(secret, account), { margin: 1, width: QR_SIZE });
  return (
    <main className="mx-auto max-w-xl px-6 py-12">
      <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
      {note ? (
        <p role="note" className="mt-2 text-sm">
          {note}
        </p>
      ) : null}
      <p className="mt-2 text-sm text-gray-600">Scan this code with an authenticator app, or type the key, then enter the 6-digit code it shows.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL generated per request */}
      <img src={qr} alt="QR code for your authenticator app" width={QR_SIZE} height={QR_SIZE} className="mt-4" />
      <p className="mt-2 text-sm">
        Key: <code data-testid="totp-key">{secret.match(/.{4}/g)!.join(" ")}</code>
      </p>
      <EnrolForm secret={secret} confirm={confirm} continueTo={continueTo} />
    </main>
  );
}
