"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { memberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { createBeneficiary, updateBeneficiary } from "@/lib/services/beneficiaries";

export async function createBeneficiaryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  let id: string | undefined;
  const state = await formResult(
    async () => {
      ({ id } = await createBeneficiary(actor, values));
    },
    { values },
  );
  if (!state?.ok || !id) return state;
  revalidatePath("/beneficiaries");
  redirect(`/beneficiaries/${id}`);
}

export async function updateBeneficiaryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  const state = await formResult(() => updateBeneficiary(actor, values), { success: "Saved.", values });
  if (state?.ok) revalidatePath("/beneficiaries");
  return state;
}
