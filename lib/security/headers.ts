/**
 * The security headers every response carries (promises M6.4, B1.1). One
 * place, so middleware (pages, route handlers, 404s, errors), next.config
 * (static assets) and the Node server (its own 301s) send the same set.
 */
export const HSTS = "max-age=63072000; includeSubDomains; preload";

const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "browsing-topics=()",
  "camera=()",
  "display-capture=()",
  "encrypted-media=()",
  "fullscreen=(self)",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/** Headers that do not depend on the request. HSTS only in production: browsers ignore it over HTTP, and a dev machine should not pin localhost. */
export function staticSecurityHeaders(production: boolean): Array<[string, string]> {
  return [
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "strict-origin-when-cross-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ...(production ? ([["Strict-Transport-Security", HSTS]] as Array<[string, string]>) : []),
  ];
}

/**
 * The page policy. Scripts run only with this request's nonce, and what they
 * load ('strict-dynamic'); no inline script without it, no eval in
 * production. Injected <style> elements are refused too; style attributes are
 * allowed (React renders them, and with img-src/font-src 'self' they cannot
 * load anything from elsewhere). form-action also binds the redirect after a
 * form post in Chromium: a form that ends at an identity provider or a
 * payment page must add that origin here.
 */
export function contentSecurityPolicy(nonce: string, production: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${production ? "" : " 'unsafe-eval'"}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For responses that are never a page (static files, redirects): nothing may run or embed them. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/** 128 random bits, base64: unguessable and fresh for every request. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
