import { readdir } from "node:fs/promises";
import path from "node:path";
import { appDb } from "../db/clients";
import { appliedMigrations } from "../db/migrations-applied";
import { heartbeatSeconds } from "../jobs/heartbeat";
import { logError } from "../log";

/**
 * What /api/health reports, each part as the web app (harambee_app) sees it:
 *  - db: the database answers a query;
 *  - jobs: the worker's newest heartbeat (lib/jobs/heartbeat.ts) is younger than
 *    three intervals and it has not stopped; "none" if no worker ever beat;
 *  - migrations: every folder of prisma/migrations has finished in this database.
 * `status` is "ok" only when all three are.
 */
export type Health = {
  status: "ok" | "degraded";
  db: "ok" | "down";
  jobs: "ok" | "stopped" | "stale" | "none" | "unknown";
  migrations: "ok" | "pending" | "unknown";
};

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma/migrations");

export async function health(migrationsDir = MIGRATIONS_DIR): Promise<Health> {
  const db = await databaseIsUp();
  const [jobs, migrations] = db ? await Promise.all([workerState(), migrationState(migrationsDir)]) : (["unknown", "unknown"] as const);
  const parts = { db: db ? ("ok" as const) : ("down" as const), jobs, migrations };
  return { status: Object.values(parts).every((part) => part === "ok") ? "ok" : "degraded", ...parts };
}

async function databaseIsUp(): Promise<boolean> {
  try {
    await appDb().district.count();
    return true;
  } catch (error) {
    logError("health check: database unreachable", error);
    return false;
  }
}

async function workerState(): Promise<Health["jobs"]> {
  const newest = await appDb().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true, stoppedAt: true } });
  if (!newest) return "none";
  if (newest.stoppedAt) return "stopped";
  return Date.now() - newest.beatAt.getTime() > 3 * heartbeatSeconds() * 1000 ? "stale" : "ok";
}

async function migrationState(migrationsDir: string): Promise<Health["migrations"]> {
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the app's own folder (a test passes a copy)
    const folders = await readdir(migrationsDir, { withFileTypes: true });
    const applied = new Set(await appliedMigrations(appDb()));
    return folders.some((folder) => folder.isDirectory() && !applied.has(folder.name)) ? "pending" : "ok";
  } catch (error) {
    logError("health check: migrations unknown", error);
    return "unknown";
  }
}
