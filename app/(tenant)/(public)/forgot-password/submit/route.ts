import { tenantRequest } from "@/lib/context/request";
import { backOffResponse, seeOther } from "@/lib/http/back-off";
import { formBody } from "@/lib/http/form-body";
import { routeHandler } from "@/lib/http/route-handler";
import { admitResetRequest } from "@/lib/services/login-limits";
import { requestPasswordReset } from "@/lib/services/password-reset";

/**
 * The forgot-password form posts here: 3 requests per IP per hour (429 past
 * that), and the same answer whether or not the email has an account.
 */
export const POST = routeHandler(async (request) => {
  const { org, ip } = await tenantRequest();
  const admitted = await admitResetRequest({ organizationId: org.id, ip });
  if (!admitted.ok) return backOffResponse(admitted, { title: "Please wait before asking again", back: "/login", backLabel: "Back to sign in" });
  const { email } = await formBody(request);
  const host = request.headers.get("host")!;
  // The scheme as the browser used it: X-Forwarded-Proto reaches us only from a trusted proxy (scripts/serve.ts).
  const origin = `${request.headers.get("x-forwarded-proto") === "https" ? "https" : "http"}://${host}`;
  if (typeof email === "string" && email.length <= 200) await requestPasswordReset({ organization: org, origin, ip }, email);
  return seeOther("/forgot-password?sent=1");
});
