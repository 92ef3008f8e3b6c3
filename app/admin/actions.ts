"use server";

import { revalidatePath } from "next/cache";
import { formObject, formResult } from "@/lib/actions/result";
import { platformRequest, requirePlatformAdmin } from "@/lib/context/platform";
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
