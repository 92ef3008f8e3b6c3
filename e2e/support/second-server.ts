import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { PORT, type RawResponse } from "./app";

/**
 * Another production server (the real start script) on the end-to-end run's
 * own database, for specs that need settings the main server must not have —
 * e.g. the promised rate limits, which the main server raises for the suite.
 */
export type SecondServer = { port: number; request: (options: RequestOptions) => Promise<RawResponse>; stop: () => void };
type RequestOptions = { host: string; path: string; method?: string; headers?: Record<string, string>; body?: string };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function requestTo(port: number, options: RequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: options.path, method: options.method ?? "GET", headers: { host: options.host, ...options.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export async function startSecondServer(extraEnv: Record<string, string>): Promise<SecondServer> {
  const secrets = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "secrets.json"), "utf8")) as Record<string, string>;
  const port = await freePort();
  const child: ChildProcess = spawn("npx", ["tsx", "scripts/start.ts"], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `postgres://postgres:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${PORT + 10_000}/harambee`,
      APP_DB_PASSWORD: secrets.appDbPassword,
      PLATFORM_DB_PASSWORD: secrets.platformDbPassword,
      AUTH_SECRET: secrets.authSecret,
      FIELD_ENCRYPTION_KEYS: secrets.fieldEncryptionKeys,
      BLIND_INDEX_KEY: secrets.blindIndexKey,
      AUDIT_KEYS: secrets.auditKeys,
      AUDIT_CHECKPOINT_KEY: secrets.auditCheckpointKey,
      // Its worker signs the same chains as the main server's: one store for both.
      STORAGE_DIR: path.join(process.env.E2E_DATA_DIR!, "storage"),
      APP_ROOT_DOMAIN: "localhost",
      ...extraEnv,
    },
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const stop = () => {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  };
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const up = await requestTo(port, { host: `localhost:${port}`, path: "/api/health" }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return { port, request: (options) => requestTo(port, options), stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error(`the second server did not start: ${errors}`);
}
