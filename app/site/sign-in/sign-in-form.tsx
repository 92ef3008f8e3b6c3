"use client";

import { useActionState } from "react";
import { platformSignIn } from "./actions";

export function PlatformSignInForm() {
  const [state, action, pending] = useActionState(platformSignIn, null);
  return (
    <form action={action} className="mt-8 space-y-4">
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required className="field mt-1" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="field mt-1" />
      </label>
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      ) : null}
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
