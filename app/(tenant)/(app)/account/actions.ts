"use server";

import { formAction } from "@/lib/actions/form-action";
import { currentMemberSession } from "@/lib/context/request";
import { changePassword } from "@/lib/services/password-change";
import { endOwnSessions } from "@/lib/services/sessions";

/** Ends one of one's own sessions (`sessionId`), or without it every other one. */
export const endSessionsAction = formAction(currentMemberSession, endOwnSessions, { revalidate: "/account" });
export const changePasswordAction = formAction(currentMemberSession, changePassword, { revalidate: "/account", success: "Password changed. Your other sessions have ended." });
