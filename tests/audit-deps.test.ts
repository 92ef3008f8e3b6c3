import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";

/**
 * `npm run audit:deps` runs the real `npm audit` against this project's
 * lockfile. The registry's advisory endpoint is played by a local stand-in
 * (these machines cannot reach the real one), which answers the bulk
 * advisory request the way registry.npmjs.org does.
 */
let standIn: http.Server | undefined;
// npm caches advisories by id: a cache of our own keeps runs from seeing each other's answers.
const npmCache = mkdtempSync(path.join(os.tmpdir(), "harambee-npm-cache-"));
afterAll(() => rmSync(npmCache, { recursive: true, force: true }));
afterEach(() => new Promise<void>((resolve) => (standIn ? standIn.close(() => resolve()) : resolve())));

function advisoryService(advisories: Record<string, unknown[]>): Promise<string> {
  standIn = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url?.startsWith("/-/npm/v1/security/advisories/bulk")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(advisories));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) => standIn!.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(standIn!.address() as AddressInfo).port}/`)));
}

function auditDeps(registry: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["tsx", "scripts/audit-deps.ts"], {
      env: { ...process.env, npm_config_registry: registry, npm_config_fetch_retries: "0", npm_config_cache: npmCache, ...extraEnv },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

const highInZod = {
  zod: [{ id: 1, url: "https://github.com/advisories/GHSA-test", title: "Test advisory in zod", severity: "high", vulnerable_versions: "<99.0.0", cwe: [], cvss: { score: 7.5, vectorString: null } }],
};

describe("[M7.1] npm run audit:deps", () => {
  test("fails the deploy on a high advisory, naming the package and the advisory", async () => {
    const { code, output } = await auditDeps(await advisoryService(highInZod));
    expect(code).toBe(1);
    expect(output).toMatch(/high\s+zod .*Test advisory in zod https:\/\/github.com\/advisories\/GHSA-test/);
    expect(output).toContain('audit:deps: FAILED');
  });

  test("passes when nothing reaches the level, and says what it checked", async () => {
    const { code, output } = await auditDeps(await advisoryService(highInZod), { AUDIT_LEVEL: "critical" });
    expect(code).toBe(0);
    expect(output).toMatch(/checked against the advisory service: 0 info, 0 low, 0 moderate, \d+ high, 0 critical/);
    expect(output).toContain('audit:deps: passed — nothing at or above "critical"');
    const clean = await auditDeps(await advisoryService({}));
    expect(clean.code).toBe(0);
    expect(clean.output).toContain("0 high, 0 critical");
  });

  test("says plainly that nothing was checked when the advisory service cannot be reached, and exits 0", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { code, output } = await auditDeps(`http://127.0.0.1:${closed}/`);
    expect(code).toBe(0);
    expect(output).toContain("THE ADVISORY SERVICE COULD NOT BE REACHED");
    expect(output).toContain("dependencies were NOT checked");
    expect(output).toMatch(/ECONNREFUSED/);
    expect(output).not.toMatch(/passed|FAILED/);
  });
});
