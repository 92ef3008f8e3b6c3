import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { objectStore, type ObjectStore } from "../../lib/storage";
import { BACKUP_ROLE } from "../migrate";
import { localSecrets } from "../secrets";

/**
 * Where the backup commands connect and write, from the environment:
 *
 *   DATABASE_URL          the owner connection (restore and drill create databases with it)
 *   BACKUP_DATABASE_URL   the backup role's connection; else DATABASE_URL as
 *                         harambee_backup with BACKUP_DB_PASSWORD
 *   STORAGE_DIR or STORAGE_S3_*  the object store (lib/storage)
 *
 * Without DATABASE_URL: the running `npm start` demo's embedded database, with
 * the secrets kept in its data directory (HARAMBEE_DATA_DIR, default .data).
 */
export type BackupSettings = { ownerUrl: string | null; backupUrl: string; store: ObjectStore };

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

export async function backupSettings(source: NodeJS.ProcessEnv = process.env): Promise<BackupSettings> {
  const store = objectStore(source);
  if (source.DATABASE_URL || source.BACKUP_DATABASE_URL) {
    const ownerUrl = source.DATABASE_URL ?? null;
    if (source.BACKUP_DATABASE_URL) return { ownerUrl, backupUrl: source.BACKUP_DATABASE_URL, store };
    if (!source.BACKUP_DB_PASSWORD) {
      throw new Error(`set BACKUP_DB_PASSWORD (the password npm run migrate gave ${BACKUP_ROLE}) or BACKUP_DATABASE_URL`);
    }
    return { ownerUrl, backupUrl: withCredentials(source.DATABASE_URL!, BACKUP_ROLE, source.BACKUP_DB_PASSWORD), store };
  }

  const dataDir = path.resolve(source.HARAMBEE_DATA_DIR ?? ".data");
  if (!existsSync(path.join(dataDir, "secrets.json"))) throw new Error(`no demo data in ${dataDir}: set DATABASE_URL, or run this beside \`npm start\``);
  const secrets = localSecrets(dataDir);
  const ownerUrl = `postgres://postgres:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${source.EMBEDDED_PG_PORT ?? "54329"}/harambee`;
  // The demo's start migrates without this password; set it as npm run migrate would.
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect().catch((error: Error) => {
    throw new Error(`the demo's database does not answer on 127.0.0.1:${source.EMBEDDED_PG_PORT ?? "54329"} (${error.message}): is \`npm start\` running?`);
  });
  try {
    await owner.query("SET password_encryption = 'scram-sha-256'");
    await owner.query(`ALTER ROLE ${BACKUP_ROLE} PASSWORD ${owner.escapeLiteral(secrets.backupDbPassword)}`);
  } finally {
    await owner.end();
  }
  // The drill's chain verification and health check read the demo's keys and role passwords as the app does.
  source.APP_DB_PASSWORD ??= secrets.appDbPassword;
  source.PLATFORM_DB_PASSWORD ??= secrets.platformDbPassword;
  source.AUTH_SECRET ??= secrets.authSecret;
  source.FIELD_ENCRYPTION_KEYS ??= secrets.fieldEncryptionKeys;
  source.BLIND_INDEX_KEY ??= secrets.blindIndexKey;
  return { ownerUrl, backupUrl: withCredentials(ownerUrl, BACKUP_ROLE, secrets.backupDbPassword), store };
}
