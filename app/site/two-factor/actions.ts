"use server";

import { redirect } from "next/navigation";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { platformRequest, requirePlatformAdminSession, type SignedInPlatformRequest } from "@/lib/context/platform";
import { confirmEnrolment, verifySecondFactor } from "@/lib/services/two-factor";
import type { EnrolState } from "../../(tenant)/(second-factor)/two-factor/actions";

// An apex session has no organisation: its factor is audited on the platform chain.
const refs = ({ session, actor }: SignedInPlatformRequest) => ({
  session: { userId: session.user.id, sessionId: session.sessionId, organizationId: null },
  actor: { id: session.user.id, label: actor.label, ip: actor.ip },
});

/** A platform admin's enrolment, confirmed with a first code; the recovery codes come back once. */
export async function confirmPlatformTwoFactorAction(_previous: EnrolState, form: FormData): Promise<EnrolState> {
  const { session, actor } = refs(requirePlatformAdminSession(await platformRequest()));
  let recoveryCodes: string[] = [];
  const state = await formResult(async () => {
    recoveryCodes = await confirmEnrolment(session, actor, formObject(form));
  });
  return state?.ok ? { ...state, recoveryCodes } : state;
}

/** The second step of a platform admin's sign-in. */
export async function verifyPlatformSecondFactorAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { session, actor } = refs(requirePlatformAdminSession(await platformRequest()));
  const state = await formResult(() => verifySecondFactor(session, actor, formObject(form).code ?? ""));
  if (!state?.ok) return state;
  redirect("/admin");
}
