/**
 * Cross-site request forgery check for every state-changing request (promise
 * M6.3): server actions and route handlers alike. Next checks a server
 * action's Origin but lets a missing one through, and route handlers get no
 * check at all; this refuses a POST (PUT, PATCH, DELETE…) unless its Origin is
 * exactly this host — so one tenant's page cannot post to another tenant's
 * subdomain, though browsers count the two as the same site.
 */
import { logEvent } from "../log";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Webhooks come from servers, carry no Origin, and authenticate by signature or token instead. */
const EXEMPT_PREFIXES = ["/api/webhooks/"];

export type OriginRefusal = "missing-origin" | "null-origin" | "foreign-origin" | "cross-site-fetch";

export type OriginCheck = {
  method: string;
  pathname: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
};

export function originRefusal(request: OriginCheck): OriginRefusal | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (EXEMPT_PREFIXES.some((prefix) => request.pathname.startsWith(prefix))) return null;
  // Fetch metadata, where the browser sends it, is the browser's own verdict.
  if (request.secFetchSite && request.secFetchSite !== "same-origin") return "cross-site-fetch";
  if (!request.origin) return "missing-origin";
  if (request.origin === "null") return "null-origin";
  const host = normaliseHost(request.host);
  return host && originHost(request.origin) === host ? null : "foreign-origin";
}

function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === origin ? normaliseHost(url.host) : null;
  } catch {
    return null;
  }
}

function normaliseHost(host: string | null): string | null {
  if (!host) return null;
  return host
    .trim()
    .toLowerCase()
    .replace(/\.(?=:|$)/, "")
    .replace(/:(80|443)$/, "");
}

/** The 403 for a refused request, logged under the id it carries; null when the request may proceed. */
export function crossSiteRefusal(request: Request): Response | null {
  const path = new URL(request.url).pathname;
  const reason = originRefusal({
    method: request.method,
    pathname: path,
    host: request.headers.get("host"),
    origin: request.headers.get("origin"),
    secFetchSite: request.headers.get("sec-fetch-site"),
  });
  if (!reason) return null;
  const id = crypto.randomUUID();
  logEvent("warn", "cross-site request refused", { id, reason, method: request.method, path });
  return Response.json({ error: "This request did not come from this site, so it was refused.", id }, { status: 403 });
}
