"use server";

import { memberAction } from "@/lib/actions/form-action";
import { grantSupportAccess, revokeSupportAccess } from "@/lib/services/support-access";

export const grantSupportAccessAction = memberAction(grantSupportAccess, { revalidate: "/support-access", success: "Platform support can now look in." });
export const revokeSupportAccessAction = memberAction(revokeSupportAccess, { revalidate: "/support-access", success: "Platform support access revoked." });
