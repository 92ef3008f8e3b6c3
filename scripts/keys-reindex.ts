/**
 * `npm run keys:reindex [-- --batch-size 500]` moves every blind index still in
 * the legacy global form to its organisation's index key (docs/KEYS.md), with
 * the app's own environment (DATABASE_URL or PLATFORM_DATABASE_URL,
 * FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY). Safe beside live traffic, and to
 * stop and run again: a row is pending exactly while it holds a legacy index.
 *
 * `npm run keys:reindex -- --all` recomputes every blind index from its
 * decrypted value, after BLIND_INDEX_KEY has changed (with the app stopped).
 *
 * Exit status: 0 when every index is current; 1 when a value could not be
 * read (its index is stale) or a legacy index is left.
 */
import { parseArgs } from "node:util";
import { env } from "../lib/env";
import { rotateKeys } from "../lib/jobs/key-rotation";
import { runCommand } from "./lib/command";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "batch-size": { type: "string", default: "500" },
      all: { type: "boolean", default: false },
    },
  });
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("--batch-size must be a positive integer");
  const mode = values.all ? "all" : "legacy";
  console.log(`keys:reindex: ${mode === "all" ? "recomputing every blind index" : "moving legacy blind indexes"} to per-organisation keys`);
  const report = await rotateKeys({
    keyring: env().keyring,
    batchSize,
    reindex: mode,
    onProgress: ({ model, done, total }) => console.log(`keys:reindex: ${model} ${done}/${total} rows`),
  });
  for (const [field, n] of Object.entries(report.rotated)) console.log(`keys:reindex: ${field}: ${n} blind index(es) recomputed`);
  if (report.skipped > 0) console.log(`keys:reindex: ${report.skipped} row(s) changed during the run and were left to the edit`);
  for (const f of report.failures) {
    console.error(`keys:reindex: cannot read ${f.model}.${f.field} of row ${f.rowId}: ${f.reason}${f.keyId ? ` (key "${f.keyId}")` : ""}`);
  }
  if (report.remaining > 0) console.error(`keys:reindex: ${report.remaining} value(s) could not be read; their indexes are stale`);
  if (report.legacy > 0) console.error(`keys:reindex: ${report.legacy} index(es) are still in the legacy form; run keys:reindex again`);
  if (report.remaining > 0 || report.legacy > 0) return 1;
  console.log("keys:reindex: done; every blind index is under its organisation's key");
  return 0;
}

runCommand("keys:reindex", main);
