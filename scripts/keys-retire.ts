/**
 * `npm run keys:retire -- <key id>` — says whether a key may leave
 * FIELD_ENCRYPTION_KEYS: refused (exit 1) while it is the current key or any
 * stored value still uses it, with the count per model and field. It changes
 * nothing itself: removing the key from the environment is the operator's step
 * (docs/KEYS.md).
 */
import { env } from "../lib/env";
import { runCommand } from "./lib/command";
import { checkRetire } from "./lib/key-retirement";

async function main(): Promise<number> {
  const keyId = process.argv[2];
  if (!keyId) {
    console.error("usage: npm run keys:retire -- <key id>");
    return 2;
  }
  const check = await checkRetire(env().keyring, keyId);
  for (const [field, n] of Object.entries(check.counts)) console.log(`keys:retire: ${field}: ${n} value(s) under key "${keyId}"`);
  if (!check.allowed) {
    console.error(`keys:retire: refused: ${check.reason}`);
    return 1;
  }
  console.log(`keys:retire: ok: ${check.reason}`);
  return 0;
}

runCommand("keys:retire", main);
