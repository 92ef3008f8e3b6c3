import { AuthError } from "next-auth";
import { signIn } from "@/lib/context/auth";
import { tenantRequest } from "@/lib/context/request";
import { backOffResponse, seeOther } from "@/lib/http/back-off";
import { formBody } from "@/lib/http/form-body";
import { routeHandler } from "@/lib/http/route-handler";
import { safeNext } from "@/lib/security/safe-next";
import { admitLogin } from "@/lib/services/login-limits";

/**
 * The sign-in form posts here (a route handler, not a server action, so an
 * attempt over the limit can be answered with a real 429 and Retry-After).
 * Rate limits first, then the password; a refusal goes back to the form.
 */
export const POST = routeHandler(async (request) => {
  const { org, ip } = await tenantRequest();
  const form = await formBody(request);
  const field = (name: string) => form[name] ?? "";
  const next = safeNext(field("next"));
  const admitted = await admitLogin({ organizationId: org.id, ip, email: field("email") });
  if (!admitted.ok) return backOffResponse(admitted, { title: "Please wait before signing in again", back: "/login", backLabel: "Back to sign in" });
  try {
    await signIn("credentials", { email: field("email"), password: field("password"), redirect: false });
    return seeOther(next);
  } catch (error) {
    if (error instanceof AuthError) return seeOther(`/login?error=credentials&next=${encodeURIComponent(next)}`);
    throw error;
  }
});
