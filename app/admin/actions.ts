"use server";

import { revalidatePath } from "next/cache";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
import { sendIncidentNotice, sendSubprocessorNotice } from "@/lib/services/notices";
import { restoreOrganization, suspendOrganization } from "@/lib/services/organization-status";

export async function suspendOrganizationAction(form: FormData): Promise<void> {
  const { actor } = requirePlatformAdmin(await platformRequest());
  await formResult(() => suspendOrganization(actor, formObject(form)));
  revalidatePath("/admin");
}

export async function restoreOrganizationAction(form: FormData): Promise<void> {
  const { actor } = requirePlatformAdmin(await platformRequest());
  await formResult(() => restoreOrganization(actor, formObject(form)));
  revalidatePath("/admin");
}

/** An incident notice to the owners of the organisations ticked on /admin (promise M10.2). */
export async function sendIncidentNoticeAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = requirePlatformAdmin(await platformRequest());
  const fields = formObject(form);
  let sent = 0;
  const state = await formResult(async () => {
    sent = await sendIncidentNotice(actor, { ...fields, organizationIds: form.getAll("organizationIds") });
  }, { values: fields });
  return state?.ok ? { ok: true, message: `Incident notice sent to ${sent} owner(s).` } : state;
}

/** A sub-processor change notice to the owners of every active organisation (promise B4.2). */
export async function sendSubprocessorNoticeAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { actor } = requirePlatformAdmin(await platformRequest());
  const fields = formObject(form);
  let sent = 0;
  const state = await formResult(async () => {
    sent = await sendSubprocessorNotice(actor, fields);
  }, { values: fields });
  return state?.ok ? { ok: true, message: `Sub-processor change notice sent to ${sent} owner(s).` } : state;
}
