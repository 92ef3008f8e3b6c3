import { createHmac } from "node:crypto";
import type { Keyring } from "./keyring";
import { normalizeForIndex, type IndexKind } from "./normalize";

/**
 * Blind indexes: HMAC-SHA256 (BLIND_INDEX_KEY) over a normalised value, stored
 * beside the ciphertext so equality search and uniqueness work without the
 * database ever holding the value. The kind is part of the MAC input, so a
 * NIN and a BVN with the same digits get different indexes, while the same
 * phone number matches across models (a payment's phone finds the member).
 */
export function computeBlindIndex(keyring: Keyring, kind: IndexKind, value: string): string | null {
  const normal = normalizeForIndex(kind, value);
  if (normal === null) return null;
  return createHmac("sha256", keyring.blindIndexKey).update(`${kind}\0${normal}`, "utf8").digest("base64url");
}
