/**
 * `npm run audit:checkpoint` — writes a signed checkpoint of every audit chain
 * whose head has moved since its last one, now (the worker does the same every
 * minute: lib/jobs/audit-checkpoints.ts). Objects go to the object store
 * (STORAGE_DIR or STORAGE_S3_BUCKET) under audit-checkpoints/<chain>/…/<seq>.jws
 * (lib/audit/checkpoints.ts) and are never
 * replaced. Exit 1 when a chain was refused a checkpoint because it no longer
 * verifies from its previous one (the log line names the chain and entry).
 *
 * `npm run audit:checkpoint -- --new-key` prints a fresh Ed25519 key pair for
 * AUDIT_CHECKPOINT_KEY and AUDIT_CHECKPOINT_PUBLIC_KEYS and touches nothing.
 */
import { newCheckpointKeyPair } from "../lib/crypto/checkpoint-key";
import { checkpointAuditChains } from "../lib/jobs/audit-checkpoints";
import { objectStore } from "../lib/storage";
import { runCommand } from "./lib/command";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === "--new-key") {
    const pair = newCheckpointKeyPair();
    console.log(`AUDIT_CHECKPOINT_KEY=${pair.privateKey}`);
    console.log(`AUDIT_CHECKPOINT_PUBLIC_KEYS=${pair.publicKey}`);
    return 0;
  }
  if (args.length) {
    console.error("usage: npm run audit:checkpoint [-- --new-key]");
    return 2;
  }
  const store = objectStore();
  const summary = await checkpointAuditChains({ store });
  console.log(
    `audit:checkpoint: ${summary.written} written, ${summary.unchanged} unchanged, ${summary.empty} empty, ${summary.refused} refused (in ${store.describe()})`,
  );
  return summary.refused ? 1 : 0;
}

runCommand("audit:checkpoint", main);
