"use client";

import { useActionState } from "react";
import { CredentialFields } from "@/app/_components/credential-fields";
import { FormStatus } from "@/app/_components/form-status";
import { platformSignIn } from "./actions";

export function PlatformSignInForm() {
  const [state, action, pending] = useActionState(platformSignIn, null);
  return (
    <form action={action} className="mt-8 space-y-4">
      <CredentialFields />
      <FormStatus state={state} role="alert" />
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
