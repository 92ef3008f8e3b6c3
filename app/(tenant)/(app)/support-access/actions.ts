"use server";

import { revalidatePath } from "next/cache";
import { memberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { grantSupportAccess, revokeSupportAccess } from "@/lib/services/support-access";

export async function grantSupportAccessAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  const state = await formResult(() => grantSupportAccess(actor, values), { success: "Platform support can now look in.", values });
  if (state?.ok) revalidatePath("/support-access");
  return state;
}

export async function revokeSupportAccessAction(): Promise<void> {
  const { actor } = await memberRequest();
  await formResult(() => revokeSupportAccess(actor, {}));
  revalidatePath("/support-access");
}
