import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from "node:crypto";

/**
 * The Ed25519 key that signs audit checkpoints (lib/audit/checkpoints.ts).
 *
 * AUDIT_CHECKPOINT_KEY = the private key as base64 PKCS#8 DER. Outside
 * production a missing key is derived from AUTH_SECRET with HKDF; production
 * refuses a missing or derived one. Verifying needs only public keys:
 * AUDIT_CHECKPOINT_PUBLIC_KEYS = base64 SPKI DER[,…] (e.g. the previous key's
 * after a rotation), plus the signing key's own public key when it is set.
 */
export type CheckpointSigner = { privateKey: KeyObject; publicKey: KeyObject; keyId: string; derived: boolean };

export type CheckpointKeySource = {
  NODE_ENV?: string;
  AUTH_SECRET?: string;
  AUDIT_CHECKPOINT_KEY?: string;
  AUDIT_CHECKPOINT_PUBLIC_KEYS?: string;
};

// An Ed25519 PKCS#8 document is this fixed prefix and the 32-byte seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const refusal = (problem: string) => new Error(`Refusing to start in production: ${problem} (see docs/KEYS.md)`);

function developmentPrivateKey(authSecret: string): KeyObject {
  const seed = Buffer.from(hkdfSync("sha256", authSecret, "harambee/keyring/v1", "audit-checkpoint", 32));
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** A short, stable name for a public key (the JWS `kid`): the first 16 hex digits of SHA-256 over its SPKI. */
export function checkpointKeyId(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ format: "der", type: "spki" })).digest("hex").slice(0, 16);
}

function decode(value: string, variable: string, type: "pkcs8" | "spki"): KeyObject {
  let key: KeyObject;
  try {
    const der = Buffer.from(value, "base64");
    key = type === "pkcs8" ? createPrivateKey({ key: der, format: "der", type }) : createPublicKey({ key: der, format: "der", type });
  } catch {
    throw new Error(`${variable}: not a base64 ${type === "pkcs8" ? "PKCS#8" : "SPKI"} key (npm run audit:checkpoint -- --new-key prints one)`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${variable}: the key must be Ed25519`);
  return key;
}

export function parseCheckpointSigner(source: CheckpointKeySource): CheckpointSigner {
  const value = source.AUDIT_CHECKPOINT_KEY?.trim();
  const production = source.NODE_ENV === "production";
  if (production && !value) throw refusal("AUDIT_CHECKPOINT_KEY is not set; a key derived from AUTH_SECRET is for development only");
  if (!value && !source.AUTH_SECRET) throw new Error("AUDIT_CHECKPOINT_KEY is needed (or AUTH_SECRET to derive a development key)");
  const privateKey = value ? decode(value, "AUDIT_CHECKPOINT_KEY", "pkcs8") : developmentPrivateKey(source.AUTH_SECRET!);
  const publicKey = createPublicKey(privateKey);
  if (production && source.AUTH_SECRET && checkpointKeyId(publicKey) === checkpointKeyId(createPublicKey(developmentPrivateKey(source.AUTH_SECRET)))) {
    throw refusal("AUDIT_CHECKPOINT_KEY is the development key derived from AUTH_SECRET");
  }
  return { privateKey, publicKey, keyId: checkpointKeyId(publicKey), derived: !value };
}

/** The public keys a checkpoint may be signed with, by key id. */
export function parseCheckpointVerifyKeys(source: CheckpointKeySource): ReadonlyMap<string, KeyObject> {
  const listed = (source.AUDIT_CHECKPOINT_PUBLIC_KEYS ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => decode(v, "AUDIT_CHECKPOINT_PUBLIC_KEYS", "spki"));
  // Only public keys given (a verifier's machine): no signing key is needed or derived.
  const own = listed.length && !source.AUDIT_CHECKPOINT_KEY?.trim() ? [] : [parseCheckpointSigner(source).publicKey];
  return new Map([...own, ...listed].map((key) => [checkpointKeyId(key), key]));
}

/** A fresh key pair for AUDIT_CHECKPOINT_KEY and AUDIT_CHECKPOINT_PUBLIC_KEYS, base64 DER. */
export function newCheckpointKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}
