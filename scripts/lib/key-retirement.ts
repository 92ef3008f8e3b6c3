import { ciphertextPrefix } from "../../lib/crypto/cipher";
import type { Keyring } from "../../lib/crypto/keyring";
import { valueCounts } from "../../lib/jobs/key-rotation";

export type RetireCheck = { allowed: boolean; reason: string; counts: Record<string, number> };

/**
 * `npm run keys:retire`: whether `keyId` can leave FIELD_ENCRYPTION_KEYS: not
 * the current key, and no stored value still uses it (counts by "Model.field"
 * say where they are).
 */
export async function checkRetire(keyring: Keyring, keyId: string): Promise<RetireCheck> {
  if (keyId === keyring.currentKeyId) {
    return { allowed: false, reason: `key "${keyId}" is the current key: put the new key first in FIELD_ENCRYPTION_KEYS and run keys:rotate`, counts: {} };
  }
  const counts = Object.fromEntries(
    Object.entries(await valueCounts((field) => ({ [field]: { startsWith: ciphertextPrefix(keyId) } }))).filter(([, n]) => n > 0),
  );
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return total === 0
    ? { allowed: true, reason: `no stored value uses key "${keyId}": remove it from FIELD_ENCRYPTION_KEYS`, counts }
    : { allowed: false, reason: `${total} stored value(s) still use key "${keyId}": run keys:rotate first`, counts };
}
