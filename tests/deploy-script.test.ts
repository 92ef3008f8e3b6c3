import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * deploy/deploy.sh and its health check. The health check runs for real
 * against a real HTTP server. The whole deploy needs root, systemd, nginx and
 * a database on a host, so here its order of steps is read from the script and
 * its refusals before any step are run for real.
 */
const root = path.resolve(import.meta.dirname, "..");
const deployScript = path.join(root, "deploy/deploy.sh");
const healthCheck = path.join(root, "deploy/health-check.sh");

let server: http.Server;
let url: string;
let answers: { status: number; body: object }[] = [];
const hosts: string[] = [];

function check(target: string, seconds: number): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(healthCheck, [target, "harambee.test", String(seconds)], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("deploy health check", () => {
  test("[M7.1] an app that answers ok passes at once, asked with the site's Host", async () => {
    answers = [{ status: 200, body: { status: "ok", db: "ok" } }];
    const result = await check(url, 10);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('health: ok ({"status":"ok","db":"ok"})');
    expect(hosts.at(-1)).toBe("harambee.test");
  });

  test("an app that is degraded at first and then ok passes once it is ok", async () => {
    answers = [
      { status: 503, body: { status: "degraded", db: "down" } },
      { status: 503, body: { status: "degraded", db: "down" } },
      { status: 200, body: { status: "ok", db: "ok" } },
    ];
    const result = await check(url, 20);
    expect(result.code, result.stderr).toBe(0);
    expect(result.ms).toBeGreaterThan(1500);
  });

  test("an app that stays degraded fails the deploy after the bound, showing its last answer", async () => {
    answers = [{ status: 503, body: { status: "degraded", db: "down" } }];
    const result = await check(url, 2);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('health: not ok within 2 s; last: HTTP 503 {"status":"degraded","db":"down"}');
    expect(result.ms).toBeLessThan(8000);
  });

  test("200 without status ok is not healthy", async () => {
    answers = [{ status: 200, body: { status: "degraded" } }];
    const result = await check(url, 1);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("last: HTTP 200");
  });

  test("nothing listening fails with curl's reason", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await check(`http://127.0.0.1:${port}/api/health`, 1);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/last: curl: \(7\)/);
  });
});

describe("deploy.sh", () => {
  test("[M7.1] scans dependencies, then migrates, then restarts, then waits for health; any failing step stops it", () => {
    expect(spawnSync("bash", ["-n", deployScript]).status).toBe(0);
    const lines = readFileSync(deployScript, "utf8").split("\n");
    expect(lines).toContain("set -euo pipefail");
    const at = (command: string) => {
      const index = lines.findIndex((line) => line.trim().startsWith(command));
      expect(index, command).toBeGreaterThan(-1);
      return index;
    };
    const order = ["npm ci", "npm run --silent audit:deps", "npm run build", "npm run --silent migrate", "systemctl restart harambee", 'if ! deploy/health-check.sh "http://127.0.0.1:$APP_PORT/api/health"'].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The health check's failure ends the deploy with a failure.
    expect(lines.slice(order.at(-1)!, order.at(-1)! + 4).map((l) => l.trim())).toContain("exit 1");
  });

  test("refuses to start, before installing anything, when STORAGE_DIR is not where the units may write", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-deploy-"));
    try {
      const envFile = path.join(dir, "env");
      writeFileSync(envFile, "APP_ROOT_DOMAIN=harambee.test\nTLS_CERT=/nonexistent/cert.pem\nTLS_KEY=/nonexistent/key.pem\nDATABASE_URL=postgres://127.0.0.1:1/none\nSTORAGE_DIR=/tmp/elsewhere\n");
      const run = spawnSync(deployScript, [], { encoding: "utf8", env: { PATH: process.env.PATH, NODE_ENV: "production", HARAMBEE_ENV_FILE: envFile } });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("set STORAGE_DIR=/var/lib/harambee/storage");
      expect(run.stdout).not.toContain("== npm ci");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
