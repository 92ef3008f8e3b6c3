/**
 * `npm run audit:verify [-- --org <slug>]` — verifies every audit chain (each
 * organisation's and the platform's), or one organisation's, streaming each
 * in keyset batches (promise M5.4): every entry's HMAC under the audit key it
 * names (AUDIT_KEYS), and the chain against its latest signed checkpoint in
 * the object store (STORAGE_DIR; public keys from AUDIT_CHECKPOINT_PUBLIC_KEYS,
 * or the signing key's).
 *
 * Exit 0: prints each chain's entries checked, its head, the checkpoint it
 * reached and the time. Exit 1: names the first broken entry of each broken
 * chain (seq, expected vs found) — an edit, a cut tail, an entry without the
 * key — and every checkpoint newer than the one used whose signature does not
 * verify. Exit 2: usage or connection problems.
 *
 * Reads every chain, so it connects as the platform role (BYPASSRLS,
 * SELECT only): PLATFORM_DATABASE_URL, or DATABASE_URL with
 * PLATFORM_DB_PASSWORD as for the app. AUDIT_VERIFY_DATABASE_URL overrides both
 * (e.g. the owner connection).
 */
import { verifyChains } from "./lib/audit-chains";
import { parseCheckpointVerifyKeys } from "../lib/crypto/checkpoint-key";
import { parseAuditKeys } from "../lib/crypto/keyring";
import { parseEnv } from "../lib/env";
import { objectStore } from "../lib/storage";

function connectionString(): string {
  if (process.env.AUDIT_VERIFY_DATABASE_URL) return process.env.AUDIT_VERIFY_DATABASE_URL;
  // Only the connection settings are read here (the keys are parsed on their own); parseEnv insists on an AUTH_SECRET.
  return parseEnv({ AUTH_SECRET: "x".repeat(32), ...process.env }).platformDatabaseUrl;
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf("--org");
  const slug = at === -1 ? undefined : args[at + 1];
  if ((at !== -1 && !slug) || args.some((a, i) => a !== "--org" && i !== at + 1)) {
    console.error("usage: npm run audit:verify [-- --org <slug>]");
    process.exit(2);
  }
  const started = performance.now();
  const reports = await verifyChains(connectionString(), {
    slug,
    keys: parseAuditKeys(process.env).keys,
    checkpoints: { store: objectStore(), verifyKeys: parseCheckpointVerifyKeys(process.env) },
  });
  for (const r of reports) (r.ok ? console.log : console.error)(r.line);
  const broken = reports.filter((r) => !r.ok).length;
  console.log(`${reports.length} chain(s), ${broken} broken, ${((performance.now() - started) / 1000).toFixed(2)} s`);
  process.exit(broken ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`audit:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
