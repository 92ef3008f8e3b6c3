"use server";

import { revalidatePath } from "next/cache";
import { memberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { changePassword } from "@/lib/services/password-change";
import { endOwnSessions } from "@/lib/services/sessions";

/** Ends one of one's own sessions (`sessionId`), or without it every other one. */
export async function endSessionsAction(form: FormData): Promise<void> {
  const { org, session, actor } = await memberRequest();
  const { sessionId } = formObject(form);
  await formResult(() =>
    endOwnSessions({ sessionId: session.sessionId, userId: session.user.id, organizationId: org.id }, { id: session.user.id, label: actor.label, ip: actor.ip }, sessionId || null),
  );
  revalidatePath("/account");
}

export async function changePasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { org, session, actor } = await memberRequest();
  const state = await formResult(
    () => changePassword({ userId: session.user.id, sessionId: session.sessionId, organizationId: org.id }, { id: session.user.id, label: actor.label, ip: actor.ip }, formObject(form)),
    { success: "Password changed. Your other sessions have ended." },
  );
  if (state?.ok) revalidatePath("/account");
  return state;
}
