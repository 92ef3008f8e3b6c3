import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { PORT, rawRequest } from "./support/app";

/**
 * The HTTPS redirect needs a trusted proxy in front, so these tests start a
 * second production server (the real start script) with TRUSTED_PROXY_HOPS=1
 * on the end-to-end run's own database, and speak to it as that proxy would.
 */
let proxied: ChildProcess | undefined;
let proxiedPort = 0;

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function requestTo(port: number, options: { host: string; path: string; method?: string; headers?: Record<string, string> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: options.path, method: options.method ?? "GET", headers: { host: options.host, ...options.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Streams a body of `total` bytes over a raw socket, as fast as the socket
 * takes it, and notes how much had been handed over when the answer's status
 * line arrived, then stops sending. A raw socket, so that what was written
 * and what was answered are counted on the wire, whatever the server does
 * with the connection afterwards.
 */
function postLargeBody(port: number, host: string, total: number): Promise<{ status: number; location?: string; sentAtAnswer: number; sentInAll: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let received = "";
    let sentAtAnswer: number | undefined;
    const socket = net.connect(port, "127.0.0.1");
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      sentAtAnswer ??= sent;
    });
    // Writing on after the answer is an error we expect; only a connection that never answered fails the test.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      const head = received.split("\r\n\r\n")[0];
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (!status || sentAtAnswer === undefined) return reject(new Error(`no answer after sending ${sent} bytes`));
      const location = /^location: (.*)$/im.exec(head)?.[1];
      resolve({ status: Number(status), location, sentAtAnswer, sentInAll: sent });
    });
    socket.on("connect", () => {
      socket.write(
        `POST /login HTTP/1.1\r\nHost: ${host}\r\nX-Forwarded-Proto: http\r\nContent-Type: application/octet-stream\r\nContent-Length: ${total}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(256 * 1024, "a");
      const pump = () => {
        while (sentAtAnswer === undefined && sent < total && !socket.destroyed) {
          const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
          sent += part.length;
          if (!socket.write(part)) return void socket.once("drain", pump);
        }
        socket.end();
      };
      pump();
    });
  });
}

test.beforeAll(async () => {
  const secrets = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "secrets.json"), "utf8")) as Record<string, string>;
  proxiedPort = await freePort();
  proxied = spawn("npx", ["tsx", "scripts/start.ts"], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PORT: String(proxiedPort),
      DATABASE_URL: `postgres://postgres:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${PORT + 10_000}/harambee`,
      APP_DB_PASSWORD: secrets.appDbPassword,
      PLATFORM_DB_PASSWORD: secrets.platformDbPassword,
      AUTH_SECRET: secrets.authSecret,
      FIELD_ENCRYPTION_KEYS: secrets.fieldEncryptionKeys,
      BLIND_INDEX_KEY: secrets.blindIndexKey,
      APP_ROOT_DOMAIN: "localhost",
      TRUSTED_PROXY_HOPS: "1",
    },
  });
  let errors = "";
  proxied.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const up = await requestTo(proxiedPort, { host: `localhost:${proxiedPort}`, path: "/api/health", headers: { "x-forwarded-proto": "https" } }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the proxied server did not start: ${errors}`);
});

test.afterAll(() => {
  if (proxied?.pid) process.kill(-proxied.pid, "SIGTERM");
});

test("[M2.1] [B1.1] a POST with a 50 MB body that arrived over HTTP gets 301 to https before its body is read", async () => {
  const total = 50 * 1024 * 1024;
  const answer = await postLargeBody(proxiedPort, `kilimani.localhost:${proxiedPort}`, total);
  expect(answer.status).toBe(301);
  expect(answer.location).toBe("https://kilimani.localhost/login");
  // Answered while most of the body was still on this side of the socket, and never taken in full.
  expect(answer.sentAtAnswer).toBeLessThan(total / 4);
  expect(answer.sentInAll).toBeLessThan(total);
});

test("[M2.1] [B1.1] over HTTP through the trusted proxy, apex and tenant pages answer 301 to the same https URL", async () => {
  const tenant = await requestTo(proxiedPort, { host: `kilimani.localhost:${proxiedPort}`, path: "/members?q=a", headers: { "x-forwarded-proto": "http" } });
  expect(tenant.status).toBe(301);
  expect(tenant.headers.location).toBe("https://kilimani.localhost/members?q=a");
  expect(tenant.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
  const apex = await requestTo(proxiedPort, { host: `localhost:${proxiedPort}`, path: "/security", headers: { "x-forwarded-proto": "http" } });
  expect([apex.status, apex.headers.location]).toEqual([301, "https://localhost/security"]);
});

test("[M2.1] over HTTPS the same request is served, with HSTS; another host over HTTP gets the 404, not a redirect", async () => {
  const served = await requestTo(proxiedPort, { host: `kilimani.localhost:${proxiedPort}`, path: "/login", headers: { "x-forwarded-proto": "https" } });
  expect(served.status).toBe(200);
  expect(served.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
  const foreign = await requestTo(proxiedPort, { host: "evil.example", path: "/", headers: { "x-forwarded-proto": "http" } });
  expect([foreign.status, foreign.headers.location, foreign.body]).toEqual([404, undefined, "Not found"]);
});

test("[M2.1] without a trusted proxy, a client's own X-Forwarded-Proto changes nothing", async () => {
  const response = await rawRequest({ host: `kilimani.localhost:${PORT}`, path: "/login", headers: { "x-forwarded-proto": "http" } });
  expect(response.status).toBe(200);
});
