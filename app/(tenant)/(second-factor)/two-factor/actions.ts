"use server";

import { redirect } from "next/navigation";
import { secondFactorRequest, signedInRequest, type MemberRequest } from "@/lib/context/request";
import { formObject, formResult, type FormState } from "@/lib/actions/result";
import { confirmEnrolment, disableTwoFactor, verifySecondFactor } from "@/lib/services/two-factor";

const refs = ({ org, session, actor }: MemberRequest) => ({
  session: { userId: session.user.id, sessionId: session.sessionId, organizationId: org.id },
  actor: { id: session.user.id, label: actor.label, ip: actor.ip },
});

export type EnrolState = (NonNullable<FormState> & { recoveryCodes?: string[] }) | null;

/** Confirms enrolment with a first code; the recovery codes come back once, in the form's state. */
export async function confirmTwoFactorAction(_previous: EnrolState, form: FormData): Promise<EnrolState> {
  const { session, actor } = refs(await secondFactorRequest());
  let recoveryCodes: string[] = [];
  const state = await formResult(async () => {
    recoveryCodes = await confirmEnrolment(session, actor, formObject(form));
  });
  return state?.ok ? { ...state, recoveryCodes } : state;
}

export async function disableTwoFactorAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { session, actor } = refs(await secondFactorRequest());
  return formResult(() => disableTwoFactor(session, actor, formObject(form)), { success: "Two-factor authentication is off." });
}

/** The second step of signing in. */
export async function verifySecondFactorAction(_previous: FormState, form: FormData): Promise<FormState> {
  const { session, actor } = refs(await signedInRequest());
  const state = await formResult(() => verifySecondFactor(session, actor, formObject(form).code ?? ""));
  if (!state?.ok) return state;
  redirect("/");
}
