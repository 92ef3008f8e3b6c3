"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { FormAction } from "@/lib/actions/form-state";
import { FormStatus } from "./form-status";

/**
 * Confirms the scanned secret with a first code, then shows the recovery codes
 * once. Shared by an organisation's enrolment and the apex's (platform admins),
 * each with its own action and place to continue to.
 */
export function EnrolForm({
  secret,
  confirm,
  continueTo,
}: {
  secret: string;
  confirm: FormAction<{ recoveryCodes: string[] }>;
  continueTo: string;
}) {
  const [state, action, pending] = useActionState(confirm, null);
  if (state?.ok && state.data) {
    return (
      <div className="mt-6 space-y-3">
        <p role="status" className="text-green-700">
          Two-factor authentication is on. Keep these recovery codes somewhere safe: each works once, and they are shown only now.
        </p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
          {state.data.recoveryCodes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <Link href={continueTo} className="btn">
          Continue
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="mt-6 max-w-sm space-y-4">
      <input type="hidden" name="secret" value={secret} />
      <label className="block text-sm font-medium">
        Code from the app
        <input name="code" inputMode="numeric" autoComplete="one-time-code" required className="field mt-1" />
      </label>
      <FormStatus state={state} />
      <button type="submit" className="btn" disabled={pending}>
        Turn on two-factor
      </button>
    </form>
  );
}
