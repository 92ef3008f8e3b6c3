/**
 * `npm run restore -- --database <new name> [--from <stamp>|latest]`: restores
 * a backup from the object store into a new, empty database on the server of
 * DATABASE_URL (the owner connection; without it, the `npm start` demo's).
 * AGE_IDENTITY is the private key or its file: run this where the key is, not
 * on the host that takes backups. All or nothing (scripts/lib/restore.ts): a
 * wrong key, a truncated or altered dump, a dump from a newer PostgreSQL or a
 * non-empty target stop it with nothing restored.
 *
 * Exit 0: restored. Exit 1: failed, nothing restored. Exit 2: usage.
 */
import { parseArgs } from "node:util";
import { readIdentities } from "./lib/backup-encryption";
import { resolveStamp } from "./lib/backup-manifest";
import { backupSettings } from "./lib/backup-settings";
import { restoreBackup } from "./lib/restore";
import { runCommand } from "./lib/command";

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { database: { type: "string" }, from: { type: "string", default: "latest" } } }).values;
  } catch (error) {
    console.error(`restore: ${(error as Error).message}`);
    return 2;
  }
  if (!args.database) {
    console.error("usage: npm run restore -- --database <new database> [--from <stamp>|latest]");
    return 2;
  }
  const identities = readIdentities(process.env.AGE_IDENTITY);
  const { ownerUrl, store } = await backupSettings();
  if (!ownerUrl) throw new Error("DATABASE_URL (the owner connection on the target server) is not set");
  const started = performance.now();
  const stamp = await resolveStamp(store, args.from);
  const { manifest, url } = await restoreBackup({ ownerUrl, store, stamp, identities, database: args.database });
  const shown = new URL(url);
  shown.password = "";
  console.log(`restore: backup ${stamp} (${manifest.dump.bytes} bytes, ${Object.keys(manifest.tables).length} tables) restored into ${shown} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  console.log("restore: next, point DATABASE_URL at it, run `npm run migrate` (role passwords, pending migrations) and `npm run audit:verify`");
  return 0;
}

runCommand("restore", main);
