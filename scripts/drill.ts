/**
 * `npm run drill [-- --from <stamp>|latest] [--keep]` (promise M8.4): takes a
 * backup (or drills one already in the store), restores it into a fresh
 * database, checks every table's row count and audit chain head against the
 * manifest, verifies every chain, and answers the app's health check from the
 * restored database (scripts/lib/restore-drill.ts). Prints each step's time;
 * the drill database is dropped unless --keep.
 *
 * Needs what backup and restore need: the owner connection (DATABASE_URL, or
 * the running demo), the backup role's, BACKUP_AGE_RECIPIENT and AGE_IDENTITY.
 * Run it where the key may be (a restore host, CI), not on the backup host.
 *
 * Exit 0: every check passed. Exit 1: a check failed (each named). Exit 2: usage.
 */
import { parseArgs } from "node:util";
import { parseAuditKeys } from "../lib/crypto/keyring";
import { readIdentities } from "./lib/backup-encryption";
import { backupSettings } from "./lib/backup-settings";
import { runDrill } from "./lib/restore-drill";
import { runCommand } from "./lib/command";

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { from: { type: "string" }, keep: { type: "boolean", default: false } } }).values;
  } catch (error) {
    console.error(`usage: npm run drill [-- --from <stamp>|latest] [--keep]\n${(error as Error).message}`);
    return 2;
  }
  const identities = readIdentities(process.env.AGE_IDENTITY);
  const { ownerUrl, backupUrl, store } = await backupSettings();
  if (!ownerUrl) throw new Error("DATABASE_URL (the owner connection) is not set: the drill creates and drops a database");
  const started = performance.now();
  const report = await runDrill({
    ownerUrl,
    backupUrl,
    store,
    recipient: process.env.BACKUP_AGE_RECIPIENT ?? "",
    identities,
    auditKeys: parseAuditKeys(process.env).keys,
    from: args.from,
    keep: args.keep,
    log: (line) => console.log(line),
  });
  const total = ((performance.now() - started) / 1000).toFixed(2);
  if (report.ok) {
    console.log(`drill: ok — backup ${report.stamp} restored and checked in ${total} s${args.keep ? `; kept as database ${report.database}` : ""}`);
    return 0;
  }
  for (const problem of report.problems) console.error(`drill: FAILED: ${problem}`);
  console.error(`drill: ${report.problems.length} problem(s) with backup ${report.stamp ?? "(none taken)"} in ${total} s`);
  return 1;
}

runCommand("drill", main);
