import type { NextConfig } from "next";
import { NON_PAGE_CSP, staticSecurityHeaders } from "./lib/security/headers";
import { UPLOAD_LIMIT_BYTES } from "./lib/uploads/capped-body";

const production = process.env.NODE_ENV === "production";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Server actions accept only same-origin posts: no allowedOrigins, so one
  // tenant's pages cannot post to another tenant's host (middleware also
  // refuses a missing or null Origin, which Next would let through).
  // Middleware buffers a body up to this size and silently cuts the rest: one byte past the upload cap
  // (lib/uploads/capped-body.ts, the members CSV's too), so a larger upload, with or without Content-Length,
  // still reaches the route's counter as too large (413), never as a cut file.
  experimental: { serverActions: { bodySizeLimit: "1mb" }, proxyClientMaxBodySize: UPLOAD_LIMIT_BYTES + 1 },
  // Middleware sets the headers (with a per-request CSP nonce) on everything
  // it sees; the static files it skips get the same set here (promise M6.4).
  async headers() {
    const headers = [...staticSecurityHeaders(production), ["Content-Security-Policy", NON_PAGE_CSP]].map(([key, value]) => ({ key, value }));
    return [
      { source: "/_next/static/:path*", headers },
      { source: "/_next/image", headers },
    ];
  },
};

export default nextConfig;
