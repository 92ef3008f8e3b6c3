import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import pg from "pg";
import { planRetention, type RetentionPolicy } from "../../lib/backups/retention";
import type { ObjectStore } from "../../lib/storage";
import { encryptStream } from "./backup-encryption";
import { backupStamp, dumpKey, listBackups, manifestKey, stampDate, takeCensus, type Manifest } from "./backup-manifest";
import { findPgTool, pgBinDirs, programConnection, programOutput, serverMajor } from "./pg-tools";

export type BackupOptions = {
  /** A connection as harambee_backup (or any role row-level security does not filter). */
  backupUrl: string;
  store: ObjectStore;
  /** The age public key (age1…) the dump is encrypted to. */
  recipient: string;
  now?: Date;
  binDirs?: string[];
};

/**
 * One backup: the database as pg_dump's custom format (compressed), encrypted
 * to the recipient as it streams, written to the store, then its manifest.
 * Row counts and chain heads are read in the transaction whose snapshot
 * pg_dump dumps, so they describe exactly the dumped data.
 */
export async function takeBackup(options: BackupOptions): Promise<Manifest> {
  const client = new pg.Client({ connectionString: options.backupUrl });
  await client.connect();
  try {
    const { rows: who } = await client.query<{ role: string; bypass: boolean; database: string; version: string }>(
      `SELECT current_user AS role, rolsuper OR rolbypassrls AS bypass, current_database() AS database, current_setting('server_version_num') AS version
         FROM pg_catalog.pg_roles WHERE rolname = current_user`,
    );
    const { role, bypass, database, version } = who[0]!;
    if (!bypass) {
      throw new Error(`${role} is subject to row-level security: its dump would hold no tenant rows and still succeed. Back up as harambee_backup (BACKUP_DB_PASSWORD).`);
    }
    const major = await serverMajor(client);
    const pgDump = findPgTool("pg_dump", major, options.binDirs ?? pgBinDirs());

    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: snap } = await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id");
    const census = await takeCensus(client);

    const stamp = backupStamp(options.now ?? new Date());
    const key = dumpKey(stamp);
    const connection = programConnection(options.backupUrl);
    const child = spawn(pgDump, ["--format=custom", "--compress=6", `--snapshot=${snap[0]!.id}`, "--no-password", `--dbname=${connection.dbname}`], {
      env: connection.env,
      stdio: ["ignore", "pipe", "pipe"],
    }) as unknown as ChildProcessWithoutNullStreams;
    const encrypted = await encryptStream(options.recipient, programOutput(child, "pg_dump"));
    const sha256 = createHash("sha256");
    let bytes = 0;
    async function* hashed() {
      for await (const chunk of encrypted) {
        sha256.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    }
    try {
      await options.store.create(key, Readable.from(hashed()));
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await client.query("COMMIT");

    const manifest: Manifest = {
      format: 1,
      stamp,
      createdAt: stampDate(stamp)!.toISOString(),
      database,
      dump: { key, bytes, sha256: sha256.digest("hex") },
      encryption: { tool: "age", recipient: options.recipient },
      postgres: { serverVersionNum: Number(version), major, pgDump: pgDumpVersion(pgDump) },
      ...census,
    };
    try {
      await options.store.create(manifestKey(stamp), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    } catch (error) {
      // A dump without its manifest cannot be checked: do not leave it looking like a backup.
      await options.store.remove(key);
      throw error;
    }
    return manifest;
  } finally {
    await client.end();
  }
}

function pgDumpVersion(program: string): string {
  return execFileSync(program, ["--version"], { encoding: "utf8" }).trim();
}

/**
 * Applies the retention policy (promise M8.2) to the complete backups in the
 * store, removing each pruned backup's dump and manifest. Returns the stamps removed, oldest first.
 */
export async function pruneBackups(store: ObjectStore, policy?: RetentionPolicy): Promise<string[]> {
  const stamps = await listBackups(store);
  const byDate = new Map(stamps.map((stamp) => [stampDate(stamp)!, stamp]));
  const { remove } = planRetention([...byDate.keys()], policy);
  const removed: string[] = [];
  for (const date of remove) {
    const stamp = byDate.get(date)!;
    // The manifest first: a dump left without one is no longer listed as a backup.
    await store.remove(manifestKey(stamp));
    await store.remove(dumpKey(stamp));
    removed.push(stamp);
  }
  return removed.sort();
}
