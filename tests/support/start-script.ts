import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { newCheckpointKeyPair } from "../../lib/crypto/checkpoint-key";
import { expect } from "vitest";

/**
 * The real `npm start` (scripts/start.ts) in a child process with only the
 * environment given, and what a failed start must look like to its user.
 */
export type StartRun = { status: number | null; stdout: string; stderr: string };

export function runStart(env: Record<string, string>, as: { uid?: number; gid?: number } = {}): Promise<StartRun> {
  return new Promise((resolve, reject) => {
    // start.ts runs the server in production whatever NODE_ENV says; deploy/systemd sets it so.
    const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env };
    const child = spawn("node_modules/.bin/tsx", ["scripts/start.ts"], { ...as, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Exit code 1 and one line on stderr, saying each of `parts` (the cause, the fix); no stack trace, no unhandled rejection. */
export function expectOneLineFailure(run: StartRun, ...parts: string[]): string {
  const output = `${run.stdout}${run.stderr}`;
  expect(output).not.toMatch(/UnhandledPromiseRejection|reason "?undefined|^\s+at /m);
  const lines = run.stderr.split("\n").filter((line) => line.trim());
  expect(lines, output).toHaveLength(1);
  expect(lines[0]).toMatch(/^\[start\] failed: /);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(run.status, output).toBe(1);
  return lines[0]!;
}

/** Secrets a production start accepts (lib/env.ts), for starts on an external DATABASE_URL. */
export function productionSecrets(): Record<string, string> {
  const key = () => randomBytes(32).toString("base64");
  return {
    AUTH_SECRET: randomBytes(32).toString("hex"),
    APP_DB_PASSWORD: key(),
    PLATFORM_DB_PASSWORD: key(),
    FIELD_ENCRYPTION_KEYS: `k1:${key()}`,
    BLIND_INDEX_KEY: key(),
    AUDIT_KEYS: `a1:${key()}`,
    AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey,
    // A shared rate-limit store is required in production; nothing connects to it before the database.
    REDIS_URL: "redis://127.0.0.1:9",
  };
}

/** Another program holding a port on 127.0.0.1, as a second checkout's server would. */
export async function holdPort(port = 0): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
