import { createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * The keys for field encryption and blind indexes, and (parsed on their own)
 * the audit chain's.
 *
 * FIELD_ENCRYPTION_KEYS = "<id>:<32-byte key, base64>[,<id>:<key>…]" — the FIRST
 * entry is the current key (every new ciphertext uses it); the others are
 * retired keys that still decrypt until `npm run keys:rotate` has moved their
 * values. BLIND_INDEX_KEY is a separate 32-byte key for the HMAC indexes.
 * Outside production a missing variable is derived from AUTH_SECRET with HKDF;
 * production refuses a missing or derived key (promise M2.5).
 */
export type Keyring = {
  currentKeyId: string;
  keys: ReadonlyMap<string, KeyObject>;
  blindIndexKey: KeyObject;
  /** Which parts were derived from AUTH_SECRET (development only). */
  derived: { fieldKeys: boolean; blindIndexKey: boolean };
};

/**
 * AUDIT_KEYS = "<id>:<32-byte key, base64>[,…]", current key first: each audit
 * entry's hash is an HMAC under the current key, and names it (key_id); the
 * others are retired keys that still verify the entries written under them.
 */
export type AuditKeyring = {
  currentKeyId: string;
  keys: ReadonlyMap<string, KeyObject>;
  derived: boolean;
};

export type KeyringSource = {
  NODE_ENV?: string;
  AUTH_SECRET?: string;
  FIELD_ENCRYPTION_KEYS?: string;
  BLIND_INDEX_KEY?: string;
  AUDIT_KEYS?: string;
};

export const KEY_ID_PATTERN = /^[A-Za-z0-9-]{1,32}$/;
export const DEVELOPMENT_KEY_ID = "dev";
const KEY_BYTES = 32;

function derive(authSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", authSecret, "harambee/keyring/v1", purpose, KEY_BYTES));
}

/** The development keys HKDF derives from AUTH_SECRET, base64 (also used to refuse them in production). */
export function developmentKeys(authSecret: string): { fieldKey: string; blindIndexKey: string; auditKey: string } {
  return {
    fieldKey: derive(authSecret, "field-encryption").toString("base64"),
    blindIndexKey: derive(authSecret, "blind-index").toString("base64"),
    auditKey: derive(authSecret, "audit-chain").toString("base64"),
  };
}

function decodeKey(encoded: string, variable: string, label: string): Buffer {
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) {
    throw new Error(`${variable}: ${label} must be ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`);
  }
  return bytes;
}

function parseFieldKeys(value: string, variable = "FIELD_ENCRYPTION_KEYS"): [string, Buffer][] {
  const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`${variable}: no keys given`);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(`${variable}: entry ${i + 1} must look like "<key id>:<base64 key>" (id: letters, digits, dashes)`);
    }
    if (seen.has(id)) throw new Error(`${variable}: key id "${id}" appears twice`);
    seen.add(id);
    return [id, decodeKey(entry.slice(colon + 1), variable, `key "${id}"`)];
  });
}

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

const refusal = (problem: string) => new Error(`Refusing to start in production: ${problem} (see docs/KEYS.md)`);

/**
 * The audit keys, kept apart from the keyring so commands that need no other
 * key (`npm run migrate`, `audit:verify`) read them alone. Production refuses
 * a missing or derived key; each must differ from the `others` given (the
 * field and blind-index keys).
 */
export function parseAuditKeys(source: KeyringSource, others: Keyring | null = null): AuditKeyring {
  const value = source.AUDIT_KEYS?.trim();
  const production = source.NODE_ENV === "production";
  if (production && !value) throw refusal("AUDIT_KEYS is not set; a key derived from AUTH_SECRET is for development only");
  if (!value && !source.AUTH_SECRET) throw new Error("AUDIT_KEYS is needed (or AUTH_SECRET to derive a development key)");
  const dev = source.AUTH_SECRET ? Buffer.from(developmentKeys(source.AUTH_SECRET).auditKey, "base64") : undefined;
  const keys: [string, Buffer][] = value ? parseFieldKeys(value, "AUDIT_KEYS") : [[DEVELOPMENT_KEY_ID, dev!]];
  const derivedId = production ? keys.find(([, key]) => dev && same(key, dev))?.[0] : undefined;
  if (derivedId) throw refusal(`AUDIT_KEYS key "${derivedId}" is the development key derived from AUTH_SECRET`);
  const otherKeys = others ? [others.blindIndexKey, ...others.keys.values()].map((k) => k.export()) : [];
  const reused = keys.find(([, key]) => otherKeys.some((other) => same(key, other)))?.[0];
  if (reused) throw new Error(`AUDIT_KEYS key "${reused}" must differ from FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY`);
  return { currentKeyId: keys[0]![0], keys: new Map(keys.map(([id, key]) => [id, createSecretKey(key)])), derived: !value };
}

/** Builds the keyring from the environment, or throws a message naming the variable at fault. */
export function parseKeyring(source: KeyringSource): Keyring {
  const production = source.NODE_ENV === "production";
  const refuse = (problem: string) => new Error(`Refusing to start in production: ${problem} (see docs/KEYS.md)`);
  const fieldValue = source.FIELD_ENCRYPTION_KEYS?.trim();
  const blindValue = source.BLIND_INDEX_KEY?.trim();
  if (production && !fieldValue) throw refuse("FIELD_ENCRYPTION_KEYS is not set; a keyring derived from AUTH_SECRET is for development only");
  if (production && !blindValue) throw refuse("BLIND_INDEX_KEY is not set; a key derived from AUTH_SECRET is for development only");
  if ((!fieldValue || !blindValue) && !source.AUTH_SECRET) {
    throw new Error("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY are needed (or AUTH_SECRET to derive development keys)");
  }

  const dev = source.AUTH_SECRET ? developmentKeys(source.AUTH_SECRET) : undefined;
  const fieldKeys: [string, Buffer][] = fieldValue
    ? parseFieldKeys(fieldValue)
    : [[DEVELOPMENT_KEY_ID, Buffer.from(dev!.fieldKey, "base64")]];
  const blindKey = blindValue ? decodeKey(blindValue, "BLIND_INDEX_KEY", "the key") : Buffer.from(dev!.blindIndexKey, "base64");

  if (production) {
    const devField = dev && Buffer.from(dev.fieldKey, "base64");
    const derivedId = fieldKeys.find(([, key]) => devField && same(key, devField))?.[0];
    if (derivedId) throw refuse(`FIELD_ENCRYPTION_KEYS key "${derivedId}" is the development key derived from AUTH_SECRET`);
    if (dev && same(blindKey, Buffer.from(dev.blindIndexKey, "base64"))) {
      throw refuse("BLIND_INDEX_KEY is the development key derived from AUTH_SECRET");
    }
  }
  if (fieldKeys.some(([, key]) => same(key, blindKey))) {
    throw new Error("BLIND_INDEX_KEY must differ from every key in FIELD_ENCRYPTION_KEYS");
  }

  return {
    currentKeyId: fieldKeys[0]![0],
    keys: new Map(fieldKeys.map(([id, key]) => [id, createSecretKey(key)])),
    blindIndexKey: createSecretKey(blindKey),
    derived: { fieldKeys: !fieldValue, blindIndexKey: !blindValue },
  };
}
