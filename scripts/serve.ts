import http from "node:http";
import next from "next";
import { parse } from "node:url";
import { CLIENT_IP_HEADER, clientIp } from "../lib/security/client-ip";

/**
 * The production HTTP server: Next.js behind a thin Node server that stamps
 * the client's address (from the socket, or the trusted proxy hops) on every
 * request, overwriting anything the client sent under that name.
 */
export async function serve(options: { port: number; hostname: string; dir: string }): Promise<http.Server> {
  // Next builds its internal URLs on "localhost"; naming the bind address here
  // instead would make every middleware rewrite look like an external proxy.
  const app = next({ dev: false, dir: options.dir, hostname: "localhost", port: options.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const hops = Number(process.env.TRUSTED_PROXY_HOPS ?? 0);
  const server = http.createServer((req, res) => {
    const forwarded = req.headers["x-forwarded-for"];
    const ip = clientIp(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, hops);
    if (ip) req.headers[CLIENT_IP_HEADER] = ip;
    else delete req.headers[CLIENT_IP_HEADER];
    void handle(req, res, parse(req.url ?? "/", true));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  return server;
}
