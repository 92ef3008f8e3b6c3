import { spawn } from "node:child_process";
import { randomBytes, type KeyObject } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { ObjectStore } from "../../lib/storage";
import { verifyChains } from "./audit-chains";
import { takeBackup } from "./backup";
import { compareCensus, readManifest, resolveStamp, takeCensus, type Manifest } from "./backup-manifest";
import { dropDatabase, restoreBackup, withDatabase } from "./restore";

/**
 * The restore drill (promise M8.4): a backup (a new one, or one already in the
 * store) restored into a fresh database, then checked against its manifest:
 * every table's row count, every audit chain verified link by link with its
 * head equal to the manifest's (so a chain cut short at its end shows), and
 * the app's health check answered from the restored database. Each step is
 * timed; the drill database is dropped afterwards unless kept.
 */
export type DrillOptions = {
  ownerUrl: string;
  backupUrl: string;
  store: ObjectStore;
  recipient: string;
  identities: string[];
  /** The audit keys by id (AUDIT_KEYS) the restored chains verify under. */
  auditKeys: ReadonlyMap<string, KeyObject>;
  /** A stamp or "latest": drill that backup instead of taking a new one. */
  from?: string;
  keep?: boolean;
  binDirs?: string[];
  log?: (line: string) => void;
};

export type DrillReport = { ok: boolean; stamp: string | null; database: string; problems: string[]; steps: { step: string; seconds: number }[] };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  const database = `harambee_drill_${randomBytes(4).toString("hex")}`;
  const report: DrillReport = { ok: false, stamp: null, database, problems: [], steps: [] };
  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
      report.steps.push({ step, seconds });
      log(`drill: ${step.padEnd(14)} ${seconds.toFixed(2)} s`);
    }
  };

  let restored = false;
  try {
    const manifest: Manifest = options.from
      ? await readManifest(options.store, await resolveStamp(options.store, options.from))
      : await timed("backup", () => takeBackup({ backupUrl: options.backupUrl, store: options.store, recipient: options.recipient, binDirs: options.binDirs }));
    report.stamp = manifest.stamp;
    log(`drill: backup ${manifest.stamp}: ${manifest.dump.bytes} bytes, ${Object.keys(manifest.tables).length} tables, ${manifest.chains.length} audit chains`);

    await timed("restore", () =>
      restoreBackup({ ownerUrl: options.ownerUrl, store: options.store, stamp: manifest.stamp, identities: options.identities, database, binDirs: options.binDirs }),
    );
    restored = true;
    // Read as the backup role: it sees every row (BYPASSRLS), as the manifest's counts did, and can change none.
    const restoredUrl = withDatabase(options.backupUrl, database);

    await timed("row counts", async () => {
      const client = new pg.Client({ connectionString: restoredUrl });
      await client.connect();
      try {
        report.problems.push(...compareCensus(manifest, await takeCensus(client)));
      } finally {
        await client.end();
      }
    });
    await timed("audit chains", async () => {
      for (const chain of await verifyChains(restoredUrl, { keys: options.auditKeys })) if (!chain.ok) report.problems.push(`audit chain ${chain.line}`);
    });
    await timed("health check", async () => {
      const answer = await healthCheck(withDatabase(options.ownerUrl, database));
      if (answer) report.problems.push(`health check: ${answer}`);
    });
  } catch (error) {
    report.problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (restored && !options.keep) await timed("drop database", () => dropDatabase(options.ownerUrl, database));
  }
  report.ok = report.problems.length === 0;
  return report;
}

/**
 * The app's own /api/health handler in a child process whose every database
 * URL names the restored database; null when it answers 200, else what it said.
 */
async function healthCheck(restoredOwnerUrl: string): Promise<string | null> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: restoredOwnerUrl };
  const database = new URL(restoredOwnerUrl).pathname.slice(1);
  for (const name of ["APP_DATABASE_URL", "PLATFORM_DATABASE_URL"] as const) {
    if (env[name]) env[name] = withDatabase(env[name], decodeURIComponent(database));
  }
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/lib/health-probe.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code === 0) return null;
  return stdout.trim() || stderr.trim() || `exit ${code}`;
}
