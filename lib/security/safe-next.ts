/**
 * Where a `?next=` / `callbackUrl` may send someone after sign-in (promise
 * M6.5): a path on this same host that names one of the routes below, or the
 * dashboard. Anything absolute, protocol-relative, backslashed, encoded to
 * look like either, or on another host falls back.
 */
export const DEFAULT_NEXT = "/";

/** The named routes a sign-in may return to. Add a feature's pages here as they land. */
export const NEXT_ROUTES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: "dashboard", pattern: /^\/$/ },
  { name: "login", pattern: /^\/login$/ },
  { name: "members", pattern: /^\/members$/ },
  { name: "member-new", pattern: /^\/members\/new$/ },
  { name: "member", pattern: /^\/members\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
];

const PLACEHOLDER_ORIGIN = "https://next.invalid";
const MAX_LENGTH = 512;

export function safeNext(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > MAX_LENGTH) return DEFAULT_NEXT;
  // Only a plain absolute path: no scheme, no authority, no backslash, no control characters.
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\") || hasControlCharacter(raw)) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(raw, PLACEHOLDER_ORIGIN);
  } catch {
    return DEFAULT_NEXT;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return DEFAULT_NEXT;
  // Match on the path as written: an encoded slash, backslash or dot is never a named route.
  if (!NEXT_ROUTES.some((route) => route.pattern.test(url.pathname))) return DEFAULT_NEXT;
  return `${url.pathname}${url.search}`;
}

/**
 * For Auth.js's redirect callback, whose callbackUrl may also be absolute on
 * this same origin: the answer is this origin plus a safe path, whatever came in.
 */
export function safeCallbackUrl(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  return `${base.origin}${safeNext(url.startsWith("/") ? url : sameOriginPath(url, base.origin))}`;
}

function sameOriginPath(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === origin ? `${parsed.pathname}${parsed.search}` : null;
  } catch {
    return null;
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
