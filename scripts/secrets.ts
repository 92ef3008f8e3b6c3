import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Secrets for the embedded demo: generated once per data directory and kept
 * there (mode 600), so nothing secret lives in source or in a default.
 */
export type LocalSecrets = { authSecret: string; ownerPassword: string; appDbPassword: string; platformDbPassword: string };

export function localSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  const random = () => randomBytes(32).toString("base64url");
  const secrets = { authSecret: random(), ownerPassword: random(), appDbPassword: random(), platformDbPassword: random() };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
