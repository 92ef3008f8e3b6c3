import { parseHost } from "../tenancy/host";

/**
 * HTTP → HTTPS (promises M2.1, B1.1). In production, a request our trusted
 * proxy received over plain HTTP (it says so in X-Forwarded-Proto) is sent to
 * the same path over HTTPS. The Node server asks this before Next sees the
 * request, so the answer goes out before a byte of the body is read.
 * Without trusted proxies the header is the client's word and is ignored.
 */
export type ProtoCheck = {
  production: boolean;
  trustedHops: number;
  forwardedProto: string | string[] | undefined;
  host: string | undefined;
  url: string | undefined;
  rootDomain: string;
};

/** The scheme the outermost trusted proxy saw, or null when no trusted proxy said. */
export function trustedProto(forwardedProto: string | string[] | undefined, trustedHops: number): string | null {
  if (trustedHops <= 0 || forwardedProto === undefined) return null;
  const chain = (Array.isArray(forwardedProto) ? forwardedProto.join(",") : forwardedProto)
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  // Each trusted hop may have appended; the one furthest out (trustedHops from the right) faced the client.
  return chain[Math.max(chain.length - trustedHops, 0)] ?? null;
}

export function httpsRedirectLocation(check: ProtoCheck): string | null {
  if (!check.production || trustedProto(check.forwardedProto, check.trustedHops) !== "http") return null;
  // Only our own hosts: any other Host gets the plain 404 downstream, never a redirect to itself.
  if (!check.host || parseHost(check.host, check.rootDomain).kind === "unknown") return null;
  const hostname = check.host.trim().toLowerCase().split(":")[0].replace(/\.$/, "");
  const path = check.url?.startsWith("/") ? check.url : "/";
  return `https://${hostname}${path}`;
}
