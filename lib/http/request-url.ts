import { NextRequest } from "next/server";

/**
 * A route handler's request as the browser addressed it. Next builds
 * `request.url` on its own host name, so a library that derives links from it
 * (Auth.js: callback and redirect URLs) would point a tenant at the apex. The
 * Host header has already passed middleware's allow-list (M6.8), and
 * X-Forwarded-Proto reaches us only from a trusted proxy (scripts/serve.ts).
 */
export function asAddressed(request: NextRequest): NextRequest {
  const host = request.headers.get("host");
  if (!host) return request;
  const url = new URL(request.url);
  url.host = host;
  url.protocol = request.headers.get("x-forwarded-proto") === "https" ? "https:" : "http:";
  return new NextRequest(url, request);
}
