import net from "node:net";
import { expect, test } from "@playwright/test";
import { PORT, rawRequest } from "./support/app";
import { startSecondServer, type SecondServer } from "./support/second-server";

/**
 * The HTTPS redirect needs a trusted proxy in front, so these tests start a
 * second production server (the real start script) with TRUSTED_PROXY_HOPS=1
 * on the end-to-end run's own database, and speak to it as that proxy would.
 */
let proxied: SecondServer;

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
  proxied = await startSecondServer({ TRUSTED_PROXY_HOPS: "1" });
});

test.afterAll(() => proxied?.stop());

test("[M2.1] [B1.1] a POST with a 50 MB body that arrived over HTTP gets 301 to https before its body is read", async () => {
  const total = 50 * 1024 * 1024;
  const answer = await postLargeBody(proxied.port, `kilimani.localhost:${proxied.port}`, total);
  expect(answer.status).toBe(301);
  expect(answer.location).toBe("https://kilimani.localhost/login");
  // Answered while most of the body was still on this side of the socket, and never taken in full.
  expect(answer.sentAtAnswer).toBeLessThan(total / 4);
  expect(answer.sentInAll).toBeLessThan(total);
});

test("[M2.1] [B1.1] over HTTP through the trusted proxy, apex and tenant pages answer 301 to the same https URL", async () => {
  const tenant = await proxied.request({ host: `kilimani.localhost:${proxied.port}`, path: "/members?q=a", headers: { "x-forwarded-proto": "http" } });
  expect(tenant.status).toBe(301);
  expect(tenant.headers.location).toBe("https://kilimani.localhost/members?q=a");
  expect(tenant.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
  const apex = await proxied.request({ host: `localhost:${proxied.port}`, path: "/security", headers: { "x-forwarded-proto": "http" } });
  expect([apex.status, apex.headers.location]).toEqual([301, "https://localhost/security"]);
});

test("[M2.1] over HTTPS the same request is served, with HSTS; another host over HTTP gets the 404, not a redirect", async () => {
  const served = await proxied.request({ host: `kilimani.localhost:${proxied.port}`, path: "/login", headers: { "x-forwarded-proto": "https" } });
  expect(served.status).toBe(200);
  expect(served.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
  const foreign = await proxied.request({ host: "evil.example", path: "/", headers: { "x-forwarded-proto": "http" } });
  expect([foreign.status, foreign.headers.location, foreign.body]).toEqual([404, undefined, "Not found"]);
});

test("[M2.1] without a trusted proxy, a client's own X-Forwarded-Proto changes nothing", async () => {
  const response = await rawRequest({ host: `kilimani.localhost:${PORT}`, path: "/login", headers: { "x-forwarded-proto": "http" } });
  expect(response.status).toBe(200);
});
