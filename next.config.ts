import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Server actions accept only same-origin posts: no allowedOrigins, so one
  // tenant's pages cannot post to another tenant's host.
  experimental: { serverActions: { bodySizeLimit: "1mb" } },
};

export default nextConfig;
