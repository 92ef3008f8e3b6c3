"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { memberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { createLocation, createProgram } from "@/lib/services/programs";

export async function createProgramAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  let id: string | undefined;
  const state = await formResult(
    async () => {
      ({ id } = await createProgram(actor, values));
    },
    { values },
  );
  if (!state?.ok || !id) return state;
  revalidatePath("/programs");
  redirect(`/programs/${id}`);
}

export async function createLocationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  const state = await formResult(() => createLocation(actor, values), { success: "Location added.", values });
  if (state?.ok) revalidatePath(`/programs/${values.programId}`);
  return state;
}
