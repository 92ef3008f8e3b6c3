import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/embedded-postgres";
import { migrate } from "../../scripts/migrate";

/**
 * One real PostgreSQL for the whole Vitest run: embedded, in a fresh temp
 * directory, migrated once, with an object store beside it. Tests get its owner URL; the app roles' passwords
 * are set by the migration from the environment below.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-vitest-"));
  const password = randomBytes(16).toString("hex");
  process.env.APP_DB_PASSWORD = randomBytes(16).toString("hex");
  process.env.PLATFORM_DB_PASSWORD = randomBytes(16).toString("hex");
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, "postgres"),
    port: 55000 + Math.floor(Math.random() * 5000),
    password,
    database: "harambee_test",
  });
  await migrate(postgres.ownerUrl);
  project.provide("databaseUrl", postgres.ownerUrl);
  // The run's own object store (audit checkpoints), never the checkout's .data.
  project.provide("storageDir", path.join(dir, "storage"));
  project.provide("appDbPassword", process.env.APP_DB_PASSWORD);
  project.provide("platformDbPassword", process.env.PLATFORM_DB_PASSWORD);
  return async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    appDbPassword: string;
    platformDbPassword: string;
    storageDir: string;
  }
}
