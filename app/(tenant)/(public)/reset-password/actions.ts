"use server";

import { redirect } from "next/navigation";
import { tenantRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { resetPassword } from "@/lib/services/password-reset";

export async function resetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { org, ip } = await tenantRequest();
  const state = await formResult(() => resetPassword({ organizationId: org.id, ip }, formObject(form)));
  if (!state?.ok) return state;
  redirect("/login?error=reset");
}
