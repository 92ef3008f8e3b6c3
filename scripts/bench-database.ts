import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrate } from "./migrate";

/**
 * A benchmark's own database: a fresh embedded PostgreSQL in a temp dir with
 * fresh secrets, migrated, exported as DATABASE_URL for the app's clients
 * (import them inside `run`: they read the environment once), and removed
 * afterwards whatever happens.
 */
export async function withBenchDatabase(run: (ownerUrl: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-bench-"));
  process.env.APP_DB_PASSWORD = randomBytes(16).toString("hex");
  process.env.PLATFORM_DB_PASSWORD = randomBytes(16).toString("hex");
  process.env.AUTH_SECRET = randomBytes(32).toString("hex");
  process.env.FIELD_ENCRYPTION_KEYS ??= `k1:${randomBytes(32).toString("base64")}`;
  process.env.BLIND_INDEX_KEY ??= randomBytes(32).toString("base64");
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: 56_000 + Math.floor(Math.random() * 4000),
    password: randomBytes(16).toString("hex"),
    database: "harambee_bench",
  });
  try {
    await migrate(postgres.ownerUrl);
    process.env.DATABASE_URL = postgres.ownerUrl;
    await run(postgres.ownerUrl);
  } finally {
    const { disconnectAll } = await import("../lib/db/clients");
    await disconnectAll();
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
