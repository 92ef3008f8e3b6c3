"use server";

import { platformAction } from "@/lib/actions/form-action";
import { sendIncidentNotice, sendSubprocessorNotice } from "@/lib/services/notices";
import { restoreOrganization, suspendOrganization } from "@/lib/services/organization-status";

export const suspendOrganizationAction = platformAction(suspendOrganization, { revalidate: "/admin" });
export const restoreOrganizationAction = platformAction(restoreOrganization, { revalidate: "/admin" });
/** An incident notice to the owners of the organisations ticked on /admin (promise M10.2). */
export const sendIncidentNoticeAction = platformAction(sendIncidentNotice, { success: (sent) => `Incident notice sent to ${sent} owner(s).` });
/** A sub-processor change notice to the owners of every active organisation (promise B4.2). */
export const sendSubprocessorNoticeAction = platformAction(sendSubprocessorNotice, { success: (sent) => `Sub-processor change notice sent to ${sent} owner(s).` });
