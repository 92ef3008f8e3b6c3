"use server";

import { formAction } from "@/lib/actions/form-action";
import { platformAdminSession } from "@/lib/context/platform";
import { confirmEnrolment, verifySecondFactor } from "@/lib/services/two-factor";

/** A platform admin's enrolment, confirmed with a first code; the recovery codes come back once. */
export const confirmPlatformTwoFactorAction = formAction(platformAdminSession, confirmEnrolment, { data: (recoveryCodes) => ({ recoveryCodes }) });
/** The second step of a platform admin's sign-in. */
export const verifyPlatformSecondFactorAction = formAction(platformAdminSession, verifySecondFactor, { redirectTo: "/admin" });
