import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { freePort } from "../scripts/lib/ports";
import { DEMO_PASSWORD } from "./support/app";

/**
 * Two checkouts run `npm start` side by side (issue #17): each the real start
 * script with its own data directory and web PORT and no EMBEDDED_PG_PORT, as
 * a user who cloned twice would. Each must choose its own PostgreSQL port,
 * seed its own demo and serve it from its own database.
 */
type Checkout = { dir: string; port: number; child: ChildProcess; output: () => string; readyAfterMs?: number };

function get(port: number, host: string, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Node cannot resolve *.localhost: ask 127.0.0.1 with the tenant's Host.
    const req = http.get({ host: "127.0.0.1", port, path: pathname, headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

async function startCheckout(): Promise<Checkout> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-checkout-"));
  // As a clone's folder is: reachable by the postgres OS user the embedded server runs as under root.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, HARAMBEE_DATA_DIR: path.join(dir, "data"), PORT: String(port), APP_ROOT_DOMAIN: "localhost" };
  // What a fresh clone has: none of the end-to-end run's own services.
  for (const name of ["DATABASE_URL", "EMBEDDED_PG_PORT", "REDIS_URL", "DARAJA_BASE_URL", "STRIPE_API_BASE", "APP_ORIGIN", "HARAMBEE_FAULT_INJECTION"]) delete env[name];
  const child = spawn("npx", ["tsx", "scripts/start.ts"], { detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { dir, port, child, output: () => output };
}

async function ready(checkout: Checkout, startedAt: number): Promise<void> {
  while (checkout.child.exitCode === null) {
    const health = await get(checkout.port, `localhost:${checkout.port}`, "/api/health").catch(() => undefined);
    if (health?.status === 200 && JSON.parse(health.body).status === "ok") {
      checkout.readyAfterMs = Date.now() - startedAt;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the checkout on port ${checkout.port} exited (${checkout.child.exitCode}):\n${checkout.output()}`);
}

async function stop(checkout: Checkout): Promise<void> {
  if (checkout.child.exitCode === null && checkout.child.pid) {
    const exited = new Promise((resolve) => checkout.child.once("exit", resolve));
    process.kill(-checkout.child.pid, "SIGTERM");
    await exited;
  }
  rmSync(checkout.dir, { recursive: true, force: true });
}

/** The demo's own database, through the port and owner password its start remembered in its data directory. */
async function sessionsIn(checkout: Checkout): Promise<{ emails: string[]; dataDirectory: string }> {
  const data = path.join(checkout.dir, "data");
  const port = readFileSync(path.join(data, "postgres.port"), "utf8").trim();
  const { ownerPassword } = JSON.parse(readFileSync(path.join(data, "secrets.json"), "utf8")) as { ownerPassword: string };
  const client = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(ownerPassword)}@127.0.0.1:${port}/harambee` });
  await client.connect();
  try {
    const sessions = await client.query<{ email: string }>("SELECT u.email FROM session s JOIN app_user u ON u.id = s.user_id ORDER BY 1");
    const directory = await client.query<{ data_directory: string }>("SHOW data_directory");
    return { emails: sessions.rows.map((row) => row.email), dataDirectory: directory.rows[0]!.data_directory };
  } finally {
    await client.end();
  }
}

test("two checkouts run npm start side by side, each choosing its own PostgreSQL port and serving its own demo", async ({ browser }) => {
  // Each start initialises a cluster, migrates and seeds the demo, on a machine the rest of the run shares.
  test.setTimeout(480_000);
  const startedAt = Date.now();
  const checkouts = [await startCheckout(), await startCheckout()];
  try {
    await Promise.all(checkouts.map((checkout) => ready(checkout, startedAt)));
    test.info().annotations.push({ type: "ready after", description: checkouts.map((c) => `${((c.readyAfterMs ?? 0) / 1000).toFixed(1)} s`).join(", ") });

    const pgPorts = checkouts.map((c) => readFileSync(path.join(c.dir, "data", "postgres.port"), "utf8").trim());
    expect(pgPorts[0]).not.toBe(pgPorts[1]);
    for (const [i, checkout] of checkouts.entries()) {
      expect(checkout.output()).toContain(`[start] starting embedded PostgreSQL on 127.0.0.1:${pgPorts[i]}`);
      const signInPage = await get(checkout.port, `kilimani.localhost:${checkout.port}`, "/login");
      expect(signInPage.status).toBe(200);
      expect(signInPage.body).toContain("Rotary Club of Kilimani");
    }

    // One person signs in on each: each server wrote to its own database, and only there.
    const people = ["treasurer@kilimani.test", "member@kilimani.test"];
    for (const [i, checkout] of checkouts.entries()) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://kilimani.localhost:${checkout.port}/login`);
      await page.getByLabel("Email").fill(people[i]!);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("signed-in-as")).toHaveText(people[i]!);
      await context.close();
    }
    for (const [i, checkout] of checkouts.entries()) {
      const own = await sessionsIn(checkout);
      expect(own.emails).toEqual([people[i]]);
      expect(own.dataDirectory).toBe(path.join(checkout.dir, "data", "postgres"));
    }

    // `npm run outbox` beside a checkout finds its database through the remembered port.
    const env: NodeJS.ProcessEnv = { ...process.env, HARAMBEE_DATA_DIR: path.join(checkouts[0]!.dir, "data") };
    delete env.DATABASE_URL;
    delete env.EMBEDDED_PG_PORT;
    const outbox = spawnSync("npx", ["tsx", "scripts/outbox.ts"], { env, encoding: "utf8" });
    expect(outbox.status, outbox.stderr).toBe(0);
    expect(outbox.stdout).toMatch(/^(outbox: no emails|--- )/);
  } finally {
    await Promise.all(checkouts.map(stop));
  }
});
