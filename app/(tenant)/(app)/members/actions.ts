"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { memberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { archiveMember, createMember, updateMember } from "@/lib/services/members";

export async function createMemberAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  let id: string | undefined;
  const state = await formResult(
    async () => {
      ({ id } = await createMember(actor, values));
    },
    { values },
  );
  if (!state?.ok || !id) return state;
  revalidatePath("/members");
  redirect(`/members/${id}`);
}

export async function updateMemberAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = await memberRequest();
  const values = formObject(form);
  const state = await formResult(() => updateMember(actor, values), { success: "Saved.", values });
  if (state?.ok) revalidatePath("/members");
  return state;
}

export async function archiveMemberAction(form: FormData): Promise<void> {
  const { actor } = await memberRequest();
  await formResult(() => archiveMember(actor, formObject(form)));
  revalidatePath("/members");
  redirect("/members");
}
