import { createHmac, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import type { Keyring } from "./keyring";
import { normalizeForIndex, type IndexKind } from "./normalize";

/**
 * Blind indexes: an HMAC-SHA256 over a normalised value, stored beside the
 * ciphertext so equality search and uniqueness work without the database ever
 * holding the value.
 *
 * The HMAC key is derived per organisation: HKDF-SHA256 over BLIND_INDEX_KEY
 * with the organisation id in the info. The same NIN in two organisations
 * gets unrelated indexes, so a stolen dump cannot link a club member to an
 * NGO's beneficiary; within one organisation the same phone matches across
 * models (a payment's phone finds the member). The kind stays in the MAC
 * input, so a NIN and a BVN with the same digits differ too.
 *
 * Stored values carry the derivation's version: `v2.<base64url>`. The legacy
 * form (one global HMAC, no prefix) is still matched by lookups until
 * `npm run keys:reindex` has moved every row (lib/jobs/key-rotation.ts).
 */

/** The scope of a value that belongs to no organisation (none is indexed today); disjoint from every organisation's. */
export const PLATFORM_INDEX_SCOPE = "platform";
/** An organisation id, or PLATFORM_INDEX_SCOPE. */
export type IndexScope = string;

export const INDEX_VERSION_PREFIX = "v2.";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SALT = "harambee/blind-index/v2";

function scopeInfo(scope: IndexScope): string {
  if (scope === PLATFORM_INDEX_SCOPE) return "platform";
  const id = scope.toLowerCase();
  // A slug or an empty string here would index silently under the wrong key: refuse it.
  if (!UUID.test(id)) throw new Error(`blind index: scope must be an organisation id or PLATFORM_INDEX_SCOPE, got "${scope}"`);
  return `organization:${id}`;
}

/**
 * Derived keys by blind-index key, then by scope: HKDF costs five times the
 * HMAC itself, and a search or a reindex asks for the same few organisations
 * over and over. One small key per organisation is all it holds.
 */
const derivedKeys = new WeakMap<KeyObject, Map<string, KeyObject>>();

/** The HMAC key of one scope. */
function scopeIndexKey(keyring: Keyring, scope: IndexScope): KeyObject {
  const info = scopeInfo(scope);
  let byScope = derivedKeys.get(keyring.blindIndexKey);
  if (!byScope) derivedKeys.set(keyring.blindIndexKey, (byScope = new Map()));
  let key = byScope.get(info);
  if (!key) byScope.set(info, (key = createSecretKey(Buffer.from(hkdfSync("sha256", keyring.blindIndexKey, SALT, info, 32)))));
  return key;
}

const mac = (key: KeyObject, kind: IndexKind, normal: string) =>
  createHmac("sha256", key).update(`${kind}\0${normal}`, "utf8").digest("base64url");

/** The index to store for `value` in `scope`; null when the value has no canonical form. */
export function computeBlindIndex(keyring: Keyring, scope: IndexScope, kind: IndexKind, value: string): string | null {
  const normal = normalizeForIndex(kind, value);
  if (normal === null) return null;
  return INDEX_VERSION_PREFIX + mac(scopeIndexKey(keyring, scope), kind, normal);
}

/** The global index every organisation shared before v2: matched by lookups, never written. */
export function legacyBlindIndex(keyring: Keyring, kind: IndexKind, value: string): string | null {
  const normal = normalizeForIndex(kind, value);
  return normal === null ? null : mac(keyring.blindIndexKey, kind, normal);
}
