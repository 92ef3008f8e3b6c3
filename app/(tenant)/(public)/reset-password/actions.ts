"use server";

import { formAction } from "@/lib/actions/form-action";
import { tenantVisitor } from "@/lib/context/request";
import { resetPassword } from "@/lib/services/password-reset";

export const resetPasswordAction = formAction(tenantVisitor, resetPassword, { redirectTo: "/login?error=reset" });
