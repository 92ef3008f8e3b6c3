import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres, type RunningPostgres } from "./embedded-postgres";
import { checkDatabase } from "./lib/database-check";
import { startLocalDaraja } from "./lib/local-daraja";
import { embeddedPostgresPort, ensureWebPortFree, portSetting, rememberPostgresPort, webPortBusy } from "./lib/ports";
import { StartFailure, startFailureLine } from "./lib/start-failure";
import { spawnWorker, type WorkerProcess } from "./lib/worker-process";
import { localSecrets } from "./secrets";

/**
 * `npm start`: one command from a fresh clone to a running product.
 * Without DATABASE_URL it runs a real PostgreSQL from npm with its data in
 * `.data/` (kept between runs), migrates, seeds the demo on first run, starts
 * the background-job worker (a child process), builds if needed and serves on
 * PORT (default 3000). With DATABASE_URL it uses that database and seeds only
 * when SEED_DEMO=1. Any fault at start ends with one line, the cause and its
 * fix (scripts/lib/start-failure.ts), and exit code 1.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.resolve(root, process.env.HARAMBEE_DATA_DIR || ".data");
const hostname = process.env.HOSTNAME_BIND || "127.0.0.1";
const rootDomain = process.env.APP_ROOT_DOMAIN ?? "localhost";
const startedAt = Date.now();

function step(message: string) {
  console.log(`[start] ${message}`);
}

let postgres: RunningPostgres | undefined;

function fail(error: unknown): Promise<never> {
  console.error(`[start] failed: ${startFailureLine(error)}`);
  return postgres ? postgres.stop().catch(() => undefined).then(() => process.exit(1)) : process.exit(1);
}

async function main() {
  const port = portSetting("PORT", process.env.PORT || "3000");
  // Before anything starts: a busy web port would otherwise surface only after migrating and seeding.
  await ensureWebPortFree(port, hostname);
  const embedded = !process.env.DATABASE_URL;
  if (embedded) {
    mkdirSync(dataDir, { recursive: true });
    const secrets = localSecrets(dataDir);
    const pgPort = await embeddedPostgresPort(dataDir, process.env.EMBEDDED_PG_PORT);
    step(`starting embedded PostgreSQL on 127.0.0.1:${pgPort.port} (data in ${path.relative(root, dataDir) || dataDir})`);
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "postgres"),
      port: pgPort.port,
      portSetting: pgPort.setting,
      password: secrets.ownerPassword,
      database: "harambee",
    });
    if (pgPort.note) step(pgPort.note);
    // Whichever port it runs on, so `npm run outbox` finds it; EMBEDDED_PG_PORT still wins next time.
    rememberPostgresPort(dataDir, pgPort.port);
    process.env.DATABASE_URL = postgres.ownerUrl;
    process.env.AUTH_SECRET ??= secrets.authSecret;
    process.env.APP_DB_PASSWORD ??= secrets.appDbPassword;
    process.env.PLATFORM_DB_PASSWORD ??= secrets.platformDbPassword;
    process.env.FIELD_ENCRYPTION_KEYS ??= secrets.fieldEncryptionKeys;
    process.env.BLIND_INDEX_KEY ??= secrets.blindIndexKey;
    // The local demo is one instance: without a Redis its rate limits may live in this process.
    if (!process.env.REDIS_URL && !process.env.UPSTASH_REDIS_REST_URL) {
      process.env.RATE_LIMIT_IN_PROCESS = "1";
      step("rate limits: in-process (single instance; set REDIS_URL or UPSTASH_REDIS_REST_URL to share them)");
    }
  }
  process.env.APP_ROOT_DOMAIN = rootDomain;
  // Links in emails (pay links) point at this server: http://<slug>.localhost:PORT.
  process.env.APP_ORIGIN ||= `http://${rootDomain}:${port}`;

  // Offline M-Pesa for the demo: set before the worker and the server read DARAJA_BASE_URL.
  const daraja = await startLocalDaraja({ embedded, step });

  // The server always runs in production mode: refuse its missing or default
  // secrets (promise M2.5) before touching the database.
  const { parseEnv } = await import("../lib/env");
  try {
    parseEnv({ ...process.env, NODE_ENV: "production" });
  } catch (error) {
    // Its message names the variable and what is wrong with it.
    throw new StartFailure(error instanceof Error ? error.message : String(error));
  }
  // A wrong DATABASE_URL is named here, before the migration's driver meets it.
  await checkDatabase(process.env.DATABASE_URL!);

  let worker: WorkerProcess | undefined;
  const shutdown = async (code: number) => {
    // The worker first: its jobs in flight still need the database.
    await worker?.stop();
    await daraja?.stop();
    await postgres?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));

  try {
    const { migrate } = await import("./migrate");
    const { applied } = await migrate(process.env.DATABASE_URL!);
    step(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");

    const seeding = embedded || process.env.SEED_DEMO === "1";
    if (seeding) {
      const { seedIfEmpty } = await import("./seed-if-empty");
      if (await seedIfEmpty()) step("seeded the demo organisations");
    }

    // The demo pays by card offline: a local Stripe whose checkout delivers signed webhooks to this server.
    if (seeding && !process.env.STRIPE_API_BASE) {
      const { startOfflineStripe } = await import("./lib/offline-stripe");
      const stripe = await startOfflineStripe({ appPort: port, rootDomain, authSecret: process.env.AUTH_SECRET! });
      process.env.STRIPE_API_BASE = stripe.url;
      step(`card payments: offline Stripe stand-in on ${stripe.url} (set STRIPE_API_BASE=https://api.stripe.com to use Stripe)`);
    }

    worker = spawnWorker({
      root,
      env: { ...process.env, NODE_ENV: "production" },
      onUnexpectedExit: (how) => step(`the worker stopped (${how}); the server keeps running without background jobs`),
    });
    step("worker started");

    if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
      step("building the app (first run)…");
      const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
      if (build.status !== 0) throw new Error("next build failed");
    }

    (process.env as Record<string, string>).NODE_ENV = "production";
    const { serve } = await import("./serve");
    await serve({ port, hostname, dir: root }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "EADDRINUSE" ? webPortBusy(port) : error;
    });
    const { DEMO_ORGANIZATIONS, DEMO_PASSWORD } = await import("../prisma/seed");
    const origin = (sub?: string) => `http://${sub ? `${sub}.` : ""}${rootDomain}:${port}`;
    console.log(`\nHarambee is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
    console.log(`  public site      ${origin()}`);
    for (const org of DEMO_ORGANIZATIONS) console.log(`  ${org.name.padEnd(26)} ${origin(org.slug)}`);
    if (seeding) {
      console.log(`\n  demo logins: <role>@<slug>.test, e.g. treasurer@kilimani.test, owner@westlands.test,`);
      console.log(`               program-manager@ikeja-relief.test; on the apex's /sign-in: platform admin admin@harambee.test, district admin district-admin@harambee.test`);
      console.log(`  password:    ${DEMO_PASSWORD}`);
    }
    console.log(`\n  Ctrl-C stops the server${postgres ? ", the worker and PostgreSQL" : " and the worker"}.\n`);
  } catch (error) {
    console.error(`[start] failed: ${startFailureLine(error)}`);
    await shutdown(1);
  }
}

main().catch(fail);
