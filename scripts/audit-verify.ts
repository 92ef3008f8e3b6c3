/**
 * `npm run audit:verify [-- --org <slug>]` — verifies every audit chain (each
 * organisation's and the platform's), or one organisation's, streaming each
 * in keyset batches (promise M5.4).
 *
 * Exit 0: prints each chain's entries checked, its head (record it: a chain
 * cut short at its end can only be caught against a head seen before) and the
 * time. Exit 1: names the first broken entry of each broken chain (seq,
 * expected vs found). Exit 2: usage or connection problems.
 *
 * Reads every chain, so it connects as the platform role (BYPASSRLS,
 * SELECT only): PLATFORM_DATABASE_URL, or DATABASE_URL with
 * PLATFORM_DB_PASSWORD as for the app. AUDIT_VERIFY_DATABASE_URL overrides both
 * (e.g. the owner connection).
 */
import { verifyChains } from "./lib/audit-chains";
import { parseEnv } from "../lib/env";

function connectionString(): string {
  if (process.env.AUDIT_VERIFY_DATABASE_URL) return process.env.AUDIT_VERIFY_DATABASE_URL;
  // AUTH_SECRET is not needed to read the trail; parseEnv insists on one.
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
  const reports = await verifyChains(connectionString(), slug);
  for (const r of reports) (r.ok ? console.log : console.error)(r.line);
  const broken = reports.filter((r) => !r.ok).length;
  console.log(`${reports.length} chain(s), ${broken} broken, ${((performance.now() - started) / 1000).toFixed(2)} s`);
  process.exit(broken ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`audit:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
