import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The shipped nginx config (deploy/nginx/harambee.conf), rendered as
 * deploy/deploy.sh renders it, run by the real nginx on loopback ports in
 * front of a stand-in app that echoes what it received. Needs nginx
 * (`apt-get install nginx-light`; .ci/run installs it).
 */
const DOMAIN = "harambee.test";
let dir: string;
let cert: string;
let nginx: ChildProcess;
let upstream: http.Server;
let httpPort: number;
let httpsPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** What deploy.sh does with envsubst: only the named variables, so nginx's own $host etc. stay. */
function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, servername: `kilimani.${DOMAIN}`, ca: cert }, () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("nginx did not start");
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "harambee-nginx-"));
  const made = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
    "-subj", `/CN=${DOMAIN}`, "-addext", `subjectAltName=DNS:${DOMAIN},DNS:*.${DOMAIN}`,
  ]);
  expect(made.status, made.stderr?.toString()).toBe(0);
  cert = readFileSync(path.join(dir, "cert.pem"), "utf8");

  upstream = http.createServer((req, res) => {
    req.resume();
    res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ host: req.headers.host, proto: req.headers["x-forwarded-proto"], forwardedHost: req.headers["x-forwarded-host"] ?? null, forwardedFor: req.headers["x-forwarded-for"] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  [httpPort, httpsPort] = [await freePort(), await freePort()];

  const site = render(readFileSync("deploy/nginx/harambee.conf", "utf8"), {
    APP_ROOT_DOMAIN: DOMAIN,
    APP_PORT: String((upstream.address() as AddressInfo).port),
    TLS_CERT: path.join(dir, "cert.pem"),
    TLS_KEY: path.join(dir, "key.pem"),
  })
    // Loopback test ports instead of 80/443, IPv4 only; everything else as shipped.
    .replace(/^\s*listen \[::\].*$/gm, "")
    .replace(/listen 80\b/g, `listen 127.0.0.1:${httpPort}`)
    .replace(/listen 443\b/g, `listen 127.0.0.1:${httpsPort}`);
  writeFileSync(path.join(dir, "harambee.conf"), site);
  writeFileSync(
    path.join(dir, "nginx.conf"),
    [
      process.getuid?.() === 0 ? "user root;" : "",
      "daemon off;",
      "worker_processes 1;",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      "events { worker_connections 64; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/harambee.conf;`,
      "}",
    ].join("\n"),
  );
  nginx = spawn(existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", ["-p", dir, "-e", `${dir}/error.log`, "-c", path.join(dir, "nginx.conf")], { stdio: "inherit" });
  await waitForPort(httpsPort);
});

afterAll(async () => {
  nginx?.kill("SIGTERM");
  await new Promise<void>((resolve) => (nginx?.exitCode !== null ? resolve() : nginx.once("exit", () => resolve())));
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function plainRequest(host: string, pathName: string, method = "GET", body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: httpPort, path: pathName, method, headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("error", reject);
    req.end(body);
  });
}

function tlsRequest(servername: string, pathName: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: httpsPort, path: pathName, headers: { host: servername, "x-forwarded-host": "evil.example" }, createConnection: () => tls.connect({ host: "127.0.0.1", port: httpsPort, servername, ca: cert, ALPNProtocols: ["http/1.1"] }) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function handshake(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: httpsPort, ca: cert, servername: `kilimani.${DOMAIN}`, ...options }, () => {
      const protocol = socket.getProtocol() ?? "";
      socket.end();
      resolve(protocol);
    });
    socket.on("error", reject);
  });
}

describe("deploy/nginx/harambee.conf in front of the app", () => {
  test("[M2.1] TLS 1.2 and 1.3 are accepted with a verified certificate; TLS 1.1 and 1.0 are refused", async () => {
    expect(await handshake({ minVersion: "TLSv1.3", maxVersion: "TLSv1.3" })).toBe("TLSv1.3");
    expect(await handshake({ minVersion: "TLSv1.2", maxVersion: "TLSv1.2" })).toBe("TLSv1.2");
    for (const version of ["TLSv1.1", "TLSv1"] as const) {
      // SECLEVEL=0 lets this client offer the old protocol, so the refusal is the server's.
      const refused = handshake({ minVersion: version, maxVersion: version, ciphers: "DEFAULT@SECLEVEL=0" });
      // The server's protocol_version alert (70): it will not speak this version.
      await expect(refused, version).rejects.toMatchObject({ code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" });
    }
  });

  test("[M2.1] [B1.1] plain HTTP to the apex or a tenant gets 301 to the same https URL, a POST with a body included", async () => {
    expect(await plainRequest(`kilimani.${DOMAIN}`, "/members?q=a")).toMatchObject({ status: 301, headers: { location: `https://kilimani.${DOMAIN}/members?q=a` } });
    expect(await plainRequest(DOMAIN, "/security")).toMatchObject({ status: 301, headers: { location: `https://${DOMAIN}/security` } });
    const post = await plainRequest(`kilimani.${DOMAIN}`, "/login", "POST", "email=a%40b.c&password=secret");
    expect(post).toMatchObject({ status: 301, headers: { location: `https://kilimani.${DOMAIN}/login` } });
  });

  test("[B1.1] over HTTPS the app sees the real Host, proto https and the client address; HSTS with preload is sent once", async () => {
    const response = await tlsRequest(`kilimani.${DOMAIN}`, "/");
    expect(response.status).toBe(200);
    expect(response.headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains; preload");
    expect(JSON.parse(response.body)).toEqual({ host: `kilimani.${DOMAIN}`, proto: "https", forwardedHost: null, forwardedFor: "127.0.0.1" });
  });

  test("[M6.8] another Host gets 404 over HTTP and no TLS handshake at all", async () => {
    expect((await plainRequest("evil.example", "/")).status).toBe(404);
    await expect(handshake({ servername: "evil.example" })).rejects.toMatchObject({ code: "ERR_SSL_TLSV1_UNRECOGNIZED_NAME" });
  });
});
