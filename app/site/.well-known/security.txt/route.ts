import { env } from "@/lib/env";
import { routeHandler } from "@/lib/http/route-handler";
import { securityTxt } from "@/lib/security/disclosure";

export const dynamic = "force-dynamic";

/** /.well-known/security.txt on the apex (promises M13.1, B6.1; RFC 9116). */
export const GET = routeHandler(
  () => new Response(securityTxt(env().APP_ROOT_DOMAIN), { headers: { "content-type": "text/plain; charset=utf-8" } }),
);
