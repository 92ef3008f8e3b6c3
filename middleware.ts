import { NextResponse, type NextRequest } from "next/server";
import { parseHost } from "./lib/tenancy/host";

/**
 * Routes by Host only — no database. Tenant subdomains are served by the app
 * tree as it stands (`app/(tenant)/**`); the apex's public pages live under
 * `app/site/**` and are reached by rewrite. Any other Host is refused before
 * anything looks it up (promise M6.8). Pages, actions and handlers authorize
 * again; this only routes.
 */
const SITE_ROOT = "/site";
const SHARED_PREFIXES = ["/api/", "/_next/"];
const APEX_ONLY_PREFIXES = [SITE_ROOT, "/admin"];

const under = (pathname: string, prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

function notFound(): NextResponse {
  return new NextResponse("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export function middleware(request: NextRequest): NextResponse {
  const site = parseHost(request.headers.get("host"), process.env.APP_ROOT_DOMAIN ?? "localhost");
  const { pathname } = request.nextUrl;
  if (site.kind === "unknown") return notFound();
  if (site.kind === "tenant") return APEX_ONLY_PREFIXES.some((p) => under(pathname, p)) ? notFound() : NextResponse.next();
  if (under(pathname, SITE_ROOT)) return notFound();
  if (SHARED_PREFIXES.some((prefix) => pathname.startsWith(prefix)) || under(pathname, "/admin")) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = `${SITE_ROOT}${pathname === "/" ? "" : pathname}`;
  return NextResponse.rewrite(url);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image).*)"],
};
