"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/config";
import type { FormState } from "@/lib/actions/result";
import { formObject } from "@/lib/actions/result";
import { safeNext } from "@/lib/security/safe-next";

export async function login(_previous: FormState, form: FormData): Promise<FormState> {
  const { email = "", password = "" } = formObject(form);
  try {
    await signIn("credentials", { email, password, redirectTo: safeNext(form.get("next")) });
    return { ok: true };
  } catch (error) {
    // A successful sign-in "throws" Next's redirect; only Auth.js errors mean a refusal.
    if (error instanceof AuthError) {
      return { ok: false, message: "That email and password do not match an account here.", fieldErrors: {} };
    }
    throw error;
  }
}
