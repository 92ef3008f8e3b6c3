/**
 * `npm run keys:rotate -- --new-key <id>` prints a fresh key entry for
 * FIELD_ENCRYPTION_KEYS ("<id>:<32 random bytes, base64>") and touches nothing.
 *
 * `npm run keys:rotate [-- --batch-size 500] [-- --adopt-plaintext]` —
 * re-encrypts every stored value that is not under the current key (the first
 * entry of FIELD_ENCRYPTION_KEYS), with the app's own environment
 * (DATABASE_URL or PLATFORM_DATABASE_URL, FIELD_ENCRYPTION_KEYS,
 * BLIND_INDEX_KEY). Safe to run while the app serves traffic, and to stop and
 * run again: see lib/jobs/key-rotation.ts and docs/KEYS.md.
 *
 * Exit status: 0 when every value is under the current key; 1 when some value
 * could not be read (unknown key, tampered) or is still pending.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { KEY_ID_PATTERN } from "../lib/crypto/keyring";
import { env } from "../lib/env";
import { runCommand } from "./lib/command";
import { rotateKeys } from "../lib/jobs/key-rotation";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "batch-size": { type: "string", default: "500" },
      "adopt-plaintext": { type: "boolean", default: false },
      "new-key": { type: "string" },
    },
  });
  const newKeyId = values["new-key"];
  if (newKeyId !== undefined) {
    if (!KEY_ID_PATTERN.test(newKeyId)) throw new Error("--new-key: a key id is 1–32 letters, digits or dashes");
    console.log(`${newKeyId}:${randomBytes(32).toString("base64")}`);
    return 0;
  }
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("--batch-size must be a positive integer");
  const { keyring } = env();
  console.log(`keys:rotate: current key "${keyring.currentKeyId}"; also decrypting with ${[...keyring.keys.keys()].filter((id) => id !== keyring.currentKeyId).map((id) => `"${id}"`).join(", ") || "no other key"}`);
  const report = await rotateKeys({
    keyring,
    batchSize,
    adoptPlaintext: values["adopt-plaintext"],
    onProgress: ({ model, done, total }) => console.log(`keys:rotate: ${model} ${done}/${total} rows`),
  });
  for (const [field, n] of Object.entries(report.rotated)) console.log(`keys:rotate: ${field}: ${n} value(s) re-encrypted`);
  if (report.skipped > 0) console.log(`keys:rotate: ${report.skipped} row(s) changed during the run and were left to the edit`);
  for (const f of report.failures) {
    console.error(`keys:rotate: cannot read ${f.model}.${f.field} of row ${f.rowId}: ${f.reason}${f.keyId ? ` (key "${f.keyId}")` : ""}`);
  }
  if (report.remaining > 0) {
    console.error(`keys:rotate: ${report.remaining} value(s) are still not under key "${keyring.currentKeyId}"`);
    return 1;
  }
  console.log(`keys:rotate: done; every stored value is under key "${keyring.currentKeyId}"`);
  return 0;
}

runCommand("keys:rotate", main);
