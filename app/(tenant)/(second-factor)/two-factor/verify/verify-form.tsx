"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/result";

/** The sign-in's second step; an organisation's check and the apex's each pass their own action. */
export function VerifyForm({ verify }: { verify: (previous: FormState, form: FormData) => Promise<FormState> }) {
  const [state, action, pending] = useActionState(verify, null);
  return (
    <form action={action} className="mt-6 space-y-4">
      <label className="block text-sm font-medium">
        Code from your app, or a recovery code
        <input name="code" autoComplete="one-time-code" required className="field mt-1" />
      </label>
      {state && !state.ok ? (
        <p role="status" className="text-sm text-red-700">
          {state.message}
        </p>
      ) : null}
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        Verify
      </button>
    </form>
  );
}
