import { randomBytes } from "node:crypto";
import { newCheckpointKeyPair } from "../lib/crypto/checkpoint-key";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Secrets for the embedded demo: generated once per data directory and kept
 * there (mode 600), so nothing secret lives in source or in a default. A file
 * from an older version gains the secrets it lacks (e.g. the field keys).
 */
export type LocalSecrets = {
  authSecret: string;
  ownerPassword: string;
  appDbPassword: string;
  platformDbPassword: string;
  /** harambee_backup's, for `npm run backup` (set on the role by the backup command itself) */
  backupDbPassword: string;
  /** FIELD_ENCRYPTION_KEYS: "<id>:<base64 key>", current key first */
  fieldEncryptionKeys: string;
  blindIndexKey: string;
  /** AUDIT_KEYS: "<id>:<base64 key>", current key first */
  auditKeys: string;
  /** AUDIT_CHECKPOINT_KEY: Ed25519, base64 PKCS#8 */
  auditCheckpointKey: string;
};

export function localSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const stored: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const random = () => randomBytes(32).toString("base64url");
  const secrets: LocalSecrets = {
    authSecret: stored.authSecret ?? random(),
    ownerPassword: stored.ownerPassword ?? random(),
    appDbPassword: stored.appDbPassword ?? random(),
    platformDbPassword: stored.platformDbPassword ?? random(),
    backupDbPassword: stored.backupDbPassword ?? random(),
    fieldEncryptionKeys: stored.fieldEncryptionKeys ?? `k1:${randomBytes(32).toString("base64")}`,
    blindIndexKey: stored.blindIndexKey ?? randomBytes(32).toString("base64"),
    auditKeys: stored.auditKeys ?? `a1:${randomBytes(32).toString("base64")}`,
    auditCheckpointKey: stored.auditCheckpointKey ?? newCheckpointKeyPair().privateKey,
  };
  if (Object.keys(secrets).some((key) => stored[key as keyof LocalSecrets] === undefined)) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
