/**
 * Which site a Host header names. Pure, so middleware can route without a
 * database and tests can table-check it.
 */
export type HostKind = { kind: "apex" } | { kind: "tenant"; slug: string } | { kind: "unknown" };

export const RESERVED_SUBDOMAINS = new Set(["www", "admin", "api", "app", "mail", "static", "assets", "status"]);

// eslint-disable-next-line security/detect-unsafe-regex -- the inner repeat is bounded ({0,61}): linear time
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function hostname(value: string): string {
  const lower = value.trim().toLowerCase();
  // An IPv6 literal keeps its colons inside brackets; anything else loses its port.
  const withoutPort = lower.startsWith("[") ? lower.slice(0, lower.indexOf("]") + 1) : lower.split(":")[0];
  return withoutPort.replace(/\.$/, "");
}

export function parseHost(host: string | null | undefined, rootDomain: string): HostKind {
  if (!host) return { kind: "unknown" };
  const name = hostname(host);
  const root = hostname(rootDomain);
  if (name === root) return { kind: "apex" };
  if (!name.endsWith(`.${root}`)) return { kind: "unknown" };
  const slug = name.slice(0, -(root.length + 1));
  if (!SLUG.test(slug) || RESERVED_SUBDOMAINS.has(slug)) return { kind: "unknown" };
  return { kind: "tenant", slug };
}
