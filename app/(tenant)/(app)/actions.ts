"use server";

import { formAction } from "@/lib/actions/form-action";
import { signOut } from "@/lib/context/auth";
import { currentMemberSession } from "@/lib/context/request";
import { endSession } from "@/lib/services/sessions";

export const logout = formAction(currentMemberSession, endSession, { after: () => signOut({ redirectTo: "/login" }) });
