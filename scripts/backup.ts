/**
 * `npm run backup` (promise M2.3): the database as pg_dump's custom format,
 * dumped as harambee_backup (BYPASSRLS, read-only), encrypted with age to
 * BACKUP_AGE_RECIPIENT, written to the object store as
 * backups/<UTC stamp>.dump.age with its manifest, then old backups pruned to
 * 30 daily, 12 monthly and 7 yearly copies (M8.2). Refuses to run where
 * AGE_IDENTITY is set: the private key is never beside the dumps.
 * Connections: scripts/lib/backup-settings.ts. docs/BACKUPS.md has the rest.
 *
 * Exit 0: done. Exit 1: the backup failed (nothing is left looking like a
 * backup). Exit 2: refused (configuration).
 */
import { takeBackup, pruneBackups } from "./lib/backup";
import { checkRecipient, refuseIdentityOnBackupHost } from "./lib/backup-encryption";
import { backupSettings } from "./lib/backup-settings";
import { runCommand } from "./lib/command";

async function main(): Promise<number> {
  let recipient: string;
  try {
    refuseIdentityOnBackupHost(process.env);
    recipient = checkRecipient(process.env.BACKUP_AGE_RECIPIENT);
  } catch (error) {
    console.error(`backup: refused: ${(error as Error).message}`);
    return 2;
  }
  const started = performance.now();
  const { backupUrl, store } = await backupSettings();
  const manifest = await takeBackup({ backupUrl, store, recipient }).catch((error: unknown) => {
    // The store removed its partial file; say where the space ran out and what to do.
    if ((error as NodeJS.ErrnoException).code === "ENOSPC") {
      throw new Error(`the disk holding ${store.describe()} is full, so nothing was kept: free space there, or point STORAGE_DIR at another disk`);
    }
    throw error;
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
  console.log(`backup: ${store.describe()}/${manifest.dump.key}: ${manifest.dump.bytes} bytes, sha256 ${manifest.dump.sha256}`);
  console.log(`backup: ${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.chains.length} audit chains (PostgreSQL ${manifest.postgres.major}) in ${seconds} s`);
  const removed = await pruneBackups(store);
  console.log(removed.length ? `backup: pruned ${removed.length} old backup(s): ${removed.join(", ")}` : "backup: nothing to prune");
  return 0;
}

runCommand("backup", main);
