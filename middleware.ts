import { NextResponse, type NextRequest } from "next/server";
import { actionBodyRefusal, isActionPost } from "./lib/http/action-body";
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from "./lib/security/headers";
import { crossSiteRefusal } from "./lib/security/origin";
import { parseHost } from "./lib/tenancy/host";
import { acceptRequestId, currentRequestId, REQUEST_ID_HEADER, withRequestId } from "./lib/context/request-id";
import { logEvent } from "./lib/log";

/**
 * Routes by Host only — no database. Tenant subdomains are served by the app
 * tree as it stands (`app/(tenant)/**`); the apex's public pages live under
 * `app/site/**` and are reached by rewrite. Any other Host is refused before
 * anything looks it up (promise M6.8). Pages, actions and handlers authorize
 * again; this only routes.
 *
 * On the way it refuses cross-site state-changing requests (M6.3) and
 * server-action bodies Next could not decode (lib/http/action-body.ts), and puts
 * the security headers on every response, with a fresh CSP nonce that Next
 * reads from the request's policy and stamps on its own scripts (M6.4).
 *
 * Every request gets a request id (lib/context/request-id.ts): kept from a
 * sane `X-Request-Id` or made here, passed on to the app in that header, put
 * on the response, and on one JSON line per request (method and path, never
 * the query string) and every line logged while middleware runs.
 */
const SITE_ROOT = "/site";
const SHARED_PREFIXES = ["/api/", "/_next/"];
const APEX_ONLY_PREFIXES = [SITE_ROOT, "/admin"];
const production = process.env.NODE_ENV === "production";

const under = (pathname: string, prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

function notFound(): NextResponse {
  return new NextResponse("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function route(request: NextRequest, forwarded: { request: { headers: Headers } }): Response {
  const site = parseHost(request.headers.get("host"), process.env.APP_ROOT_DOMAIN ?? "localhost");
  const { pathname } = request.nextUrl;
  if (site.kind === "unknown") return notFound();
  const refused = crossSiteRefusal(request);
  if (refused) return refused;
  if (site.kind === "tenant") return APEX_ONLY_PREFIXES.some((p) => under(pathname, p)) ? notFound() : NextResponse.next(forwarded);
  if (under(pathname, SITE_ROOT)) return notFound();
  if (SHARED_PREFIXES.some((prefix) => pathname.startsWith(prefix)) || under(pathname, "/admin")) return NextResponse.next(forwarded);
  const url = request.nextUrl.clone();
  url.pathname = `${SITE_ROOT}${pathname === "/" ? "" : pathname}`;
  return NextResponse.rewrite(url, forwarded);
}

/** Every request but an action post: routed and stamped at once, without waiting on anything. */
export function routeRequest(
  request: NextRequest,
  refusal?: Response | null,
  requestId = currentRequestId() ?? acceptRequestId(request.headers.get(REQUEST_ID_HEADER)),
): Response {
  const csp = contentSecurityPolicy(createNonce(), production);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  headers.set(REQUEST_ID_HEADER, requestId);
  const response = refusal ?? route(request, { request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Request-Id", requestId);
  for (const [name, value] of staticSecurityHeaders(production)) response.headers.set(name, value);
  return response;
}

export function middleware(request: NextRequest): Response | Promise<Response> {
  const requestId = acceptRequestId(request.headers.get(REQUEST_ID_HEADER));
  return withRequestId(requestId, () => {
    logEvent("info", "request", { method: request.method, path: request.nextUrl.pathname });
    // An action's body is read only once it is known to come from our own pages (M6.3).
    if (!isActionPost(request, request.nextUrl.pathname) || crossSiteRefusal(request)) return routeRequest(request);
    return actionBodyRefusal(request).then((refusal) => routeRequest(request, refusal));
  });
}

export const config = {
  // Node, not edge: the refusal log goes through lib/log like every other line.
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image).*)"],
};
