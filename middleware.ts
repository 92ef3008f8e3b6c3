import { NextResponse, type NextRequest } from "next/server";
import { parseHost } from "./lib/tenancy/host";

/**
 * Routes by Host only — no database. The apex serves the public site; a
 * tenant subdomain is rewritten into `app/tenant/**`; any other Host is
 * refused before anything looks it up (promise M6.8). Pages, actions and
 * handlers authorize again; this only routes.
 */
const TENANT_ROOT = "/tenant";
const SHARED_PREFIXES = ["/api/", "/_next/"];

function notFound(): NextResponse {
  return new NextResponse("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function middleware(request: NextRequest): NextResponse {
  const site = parseHost(request.headers.get("host"), process.env.APP_ROOT_DOMAIN ?? "localhost");
  const { pathname } = request.nextUrl;
  if (site.kind === "unknown") return notFound();
  const internal = pathname === TENANT_ROOT || pathname.startsWith(`${TENANT_ROOT}/`);
  if (site.kind === "apex") return internal ? notFound() : NextResponse.next();
  if (SHARED_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = `${TENANT_ROOT}${pathname === "/" ? "" : pathname}`;
  return NextResponse.rewrite(url);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image).*)"],
};
