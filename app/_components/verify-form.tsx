"use client";

import { useActionState } from "react";
import type { FormAction } from "@/lib/actions/form-state";
import { FormStatus } from "./form-status";

/** The sign-in's second step; an organisation's check and the apex's each pass their own action. */
export function VerifyForm({ verify }: { verify: FormAction }) {
  const [state, action, pending] = useActionState(verify, null);
  return (
    <form action={action} className="mt-6 space-y-4">
      <label className="block text-sm font-medium">
        Code from your app, or a recovery code
        <input name="code" autoComplete="one-time-code" required className="field mt-1" />
      </label>
      <FormStatus state={state} />
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        Verify
      </button>
    </form>
  );
}
