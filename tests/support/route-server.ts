import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { CLIENT_IP_HEADER, clientIp } from "@/lib/security/client-ip";

/**
 * One route handler behind a real HTTP server, for callbacks that must arrive
 * over the wire (the Daraja stand-in's). Like scripts/serve.ts it stamps the
 * client address from the socket (or `trustedHops` proxies' X-Forwarded-For
 * entries), overwriting any inbound copy; paths matching `pattern` reach the
 * handler with the pattern's named groups as params, anything else is 404.
 */
type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

/** A request the handler answered: what was sent and the status it got. */
export type Answered = { body: string; status: number };

export type RouteServer = { port: number; answered: Answered[]; close(): Promise<void> };

export async function serveRoute<P extends Record<string, string>>(pattern: RegExp, handler: Handler<P>, options: { trustedHops?: number } = {}): Promise<RouteServer> {
  const answered: Answered[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const match = pattern.exec(new URL(req.url ?? "/", "http://route").pathname);
    if (!match) return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    headers.delete(CLIENT_IP_HEADER);
    const ip = clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"] as string | undefined, options.trustedHops ?? 0);
    if (ip) headers.set(CLIENT_IP_HEADER, ip);
    const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : new Uint8Array(body) });
    const response = await handler(request, { params: Promise.resolve({ ...match.groups } as P) });
    answered.push({ body: body.toString("utf8"), status: response.status });
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    answered,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type Posted = { status: number; body: string };

/** A POST over real HTTP to 127.0.0.1 with the given Host (Node cannot resolve *.localhost), optionally from another loopback address. */
export function post(port: number, options: { host: string; path: string; body: string; headers?: Record<string, string>; from?: string }): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: "127.0.0.1",
        port,
        path: options.path,
        method: "POST",
        localAddress: options.from,
        headers: { host: options.host, "content-type": "application/json", ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
