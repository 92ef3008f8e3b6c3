"use server";

import { formAction } from "@/lib/actions/form-action";
import { enrollingMemberSession, signingInMemberSession } from "@/lib/context/request";
import { confirmEnrolment, disableTwoFactor, verifySecondFactor } from "@/lib/services/two-factor";

/** Confirms enrolment with a first code; the recovery codes come back once, in the form's state. */
export const confirmTwoFactorAction = formAction(enrollingMemberSession, confirmEnrolment, { data: (recoveryCodes) => ({ recoveryCodes }) });
export const disableTwoFactorAction = formAction(enrollingMemberSession, disableTwoFactor, { success: "Two-factor authentication is off." });
/** The second step of signing in. */
export const verifySecondFactorAction = formAction(signingInMemberSession, verifySecondFactor, { redirectTo: "/" });
