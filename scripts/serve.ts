import { randomBytes } from "node:crypto";
import http from "node:http";
import { parse } from "node:url";
import next from "next";
import { CLIENT_IP_HEADER, clientIp } from "../lib/security/client-ip";
import { NON_PAGE_CSP, staticSecurityHeaders } from "../lib/security/headers";
import { httpsRedirectLocation, trustedProto } from "../lib/security/https-redirect";

/**
 * The production HTTP server: Next.js behind a thin Node server that stamps
 * the client's address (from the socket, or the trusted proxy hops) on every
 * request, overwriting anything the client sent under that name.
 *
 * When a server action redirects, Next renders the target by fetching it from
 * its own origin ("localhost"), forwarding the original request's headers but
 * not its Host — which would land a tenant's redirect on the apex. Requests
 * are therefore stamped with their Host and a per-process token; a request
 * carrying the token is Next's own forward and gets its original Host back.
 *
 * In production, a request a trusted proxy received over plain HTTP is
 * answered here with a 301 to HTTPS, before anything reads its body (promises
 * M2.1, B1.1). X-Forwarded-Host is always dropped (tenancy and Auth.js's URLs
 * come from Host alone) and X-Forwarded-Proto is kept only from trusted hops.
 */
const ORIGINAL_HOST_HEADER = "x-harambee-original-host";
const INTERNAL_TOKEN_HEADER = "x-harambee-internal";

export async function serve(options: { port: number; hostname: string; dir: string }): Promise<http.Server> {
  // Next builds its internal URLs on "localhost"; naming the bind address here
  // instead would make every middleware rewrite look like an external proxy.
  const app = next({ dev: false, dir: options.dir, hostname: "localhost", port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const hops = Number(process.env.TRUSTED_PROXY_HOPS ?? 0);
  const production = process.env.NODE_ENV === "production";
  const rootDomain = process.env.APP_ROOT_DOMAIN ?? "localhost";
  const token = randomBytes(32).toString("hex");
  const server = http.createServer((req, res) => {
    const internal = req.headers[INTERNAL_TOKEN_HEADER] === token && typeof req.headers[ORIGINAL_HOST_HEADER] === "string";
    if (internal) {
      req.headers.host = req.headers[ORIGINAL_HOST_HEADER] as string;
    } else {
      const location = httpsRedirectLocation({
        production,
        trustedHops: hops,
        forwardedProto: req.headers["x-forwarded-proto"],
        host: req.headers.host,
        url: req.url,
        rootDomain,
      });
      if (location) return redirectToHttps(req, res, location, production);
      const proto = trustedProto(req.headers["x-forwarded-proto"], hops);
      if (proto) req.headers["x-forwarded-proto"] = proto;
      else delete req.headers["x-forwarded-proto"];
      delete req.headers["x-forwarded-host"];
      const forwarded = req.headers["x-forwarded-for"];
      const ip = clientIp(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, hops);
      if (ip) req.headers[CLIENT_IP_HEADER] = ip;
      else delete req.headers[CLIENT_IP_HEADER];
      req.headers[INTERNAL_TOKEN_HEADER] = token;
      if (req.headers.host) req.headers[ORIGINAL_HOST_HEADER] = req.headers.host;
      else delete req.headers[ORIGINAL_HOST_HEADER];
    }
    void handle(req, res, parse(req.url ?? "/", true));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/**
 * Answers before the request body is read, and never parses it. The rest of
 * the body is then discarded as it arrives rather than the connection closed
 * at once: closing on unread data resets the connection (RST), and a reset can
 * erase the 301 before the client has read it. A client that keeps sending
 * anyway is cut off after a few seconds.
 */
function redirectToHttps(req: http.IncomingMessage, res: http.ServerResponse, location: string, production: boolean): void {
  const body = `Moved permanently to ${location}\n`;
  res.writeHead(301, {
    ...Object.fromEntries(staticSecurityHeaders(production)),
    "Content-Security-Policy": NON_PAGE_CSP,
    Location: location,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
  const cutOff = setTimeout(() => req.socket.destroy(), 5_000).unref();
  req.once("end", () => clearTimeout(cutOff));
  req.once("close", () => clearTimeout(cutOff));
  req.resume();
}
