import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * Browser journeys and HTTP probes against a production build served by the
 * real start script, on its own embedded PostgreSQL in a fresh temp dir.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
process.env.E2E_PORT = String(port);
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "harambee-e2e-"));
// The run's own Redis (Debian's redis-server) holds the rate-limit counts, so runs never share them.
const redisPort = port + 20_000;
process.env.E2E_REDIS_URL = `redis://127.0.0.1:${redisPort}`;
// Servers the specs start themselves inherit it too (production mode refuses an in-process limiter).
process.env.REDIS_URL = process.env.E2E_REDIS_URL;
// The run's own Daraja stand-in (scripts/daraja-stand-in.ts): the server's STK pushes go there and its
// callbacks come back to the club's subdomain; specs pick an outcome by the phone's last four digits (docs/MPESA.md).
const darajaPort = port + 30_000;
process.env.E2E_DARAJA_URL = `http://127.0.0.1:${darajaPort}`;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--disable-quic"],
    },
    trace: "off",
  },
  webServer: [
    {
      command: `redis-server --port ${redisPort} --bind 127.0.0.1 --save "" --appendonly no`,
      port: redisPort,
      reuseExistingServer: false,
    },
    {
      command: "npx tsx scripts/daraja-stand-in.ts",
      port: darajaPort,
      reuseExistingServer: false,
      env: { PORT: String(darajaPort), DARAJA_CALLBACK_DELAY_MS: "1000" },
    },
    {
    command: "npx tsx scripts/start.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    // Its request lines would drown the report; LOG_FILE keeps every one, and a failed start still shows on stderr.
    stdout: "ignore",
    env: {
      PORT: String(port),
      HARAMBEE_DATA_DIR: process.env.E2E_DATA_DIR,
      // Every JSON log line of the server and its worker, for e2e/zz-log-hygiene.spec.ts to read.
      LOG_FILE: path.join(process.env.E2E_DATA_DIR, "server.log"),
      EMBEDDED_PG_PORT: String(port + 10_000),
      APP_ROOT_DOMAIN: "localhost",
      DATABASE_URL: "",
      // The fault routes answer only here, so the error pages can be tested on a production build.
      HARAMBEE_FAULT_INJECTION: "1",
      REDIS_URL: process.env.E2E_REDIS_URL,
      DARAJA_BASE_URL: process.env.E2E_DARAJA_URL,
      // The suite signs in dozens of times from 127.0.0.1; e2e/rate-limits.spec.ts runs its own server with the defaults.
      RATE_LIMIT_LOGIN: "1000/300",
      RATE_LIMIT_LOGIN_ACCOUNT: "1000/900",
      RATE_LIMIT_RESET: "1000/3600",
      RATE_LIMIT_TOTP: "1000/300",
      // The fuzz spec opens pay links hundreds of times from 127.0.0.1; the limit itself is tests/invoice-payments.integration.test.ts's.
      RATE_LIMIT_PAY_LINK: "100000/600",
    },
    },
  ],
});
