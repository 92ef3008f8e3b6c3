/**
 * `npm run migrate` — applies prisma/migrations to the database in DATABASE_URL
 * (the OWNER connection: the role that owns the schema and may create roles),
 * installs or upgrades the job queue's schema (scripts/lib/job-schema.ts),
 * switches any audit chain still unkeyed to the audit key
 * (scripts/lib/audit-rekey.ts), then sets the runtime roles' passwords and
 * database CONNECT privileges.
 *
 *   DATABASE_URL          owner connection string (required)
 *   APP_DB_PASSWORD       optional: password for harambee_app
 *   PLATFORM_DB_PASSWORD  optional: password for harambee_platform
 *   AUDIT_KEYS            needed only when a chain is unkeyed (derived from AUTH_SECRET outside production)
 *   BACKUP_DB_PASSWORD    optional: password for harambee_backup (npm run backup)
 *
 * After a failed migration (Prisma error P3009 on the next run): fix the SQL,
 * then `npm run migrate -- --rolled-back <migration_name>` marks the failed
 * attempt rolled back (each migration runs in one transaction, so nothing of it
 * remains) and applies again.
 *
 * Importable: `import { migrate } from "./scripts/migrate"`.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parseAuditKeys, type AuditKeyring } from "../lib/crypto/keyring";
import { rekeyAuditChains, type RekeyReport } from "./lib/audit-rekey";
import { installJobSchema } from "./lib/job-schema";
import { applyMigrations, markMigrationRolledBack } from "./lib/schema-engine";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../prisma/migrations");

export const APP_ROLE = "harambee_app";
export const PLATFORM_ROLE = "harambee_platform";
export const BACKUP_ROLE = "harambee_backup";

/** Who may connect to a database of the app (its name already quoted): the runtime and backup roles, not PUBLIC. A restore re-applies them. */
export function connectGrants(quotedDatabase: string): string[] {
  return [`GRANT CONNECT ON DATABASE ${quotedDatabase} TO ${APP_ROLE}, ${PLATFORM_ROLE}, ${BACKUP_ROLE}`, `REVOKE CONNECT ON DATABASE ${quotedDatabase} FROM PUBLIC`];
}

export interface MigrateOptions {
  /** Defaults to prisma/migrations next to this script. */
  migrationsDir?: string;
  /** Defaults to process.env.APP_DB_PASSWORD. Empty string = leave unchanged. */
  appPassword?: string;
  /** Defaults to process.env.PLATFORM_DB_PASSWORD. Empty string = leave unchanged. */
  platformPassword?: string;
  /** Defaults to AUDIT_KEYS (or AUTH_SECRET's development key) from process.env; read only when a chain needs re-keying. */
  auditKeys?: () => AuditKeyring;
  /** Defaults to process.env.BACKUP_DB_PASSWORD. Empty string = leave unchanged. */
  backupPassword?: string;
}

export interface MigrateResult {
  applied: string[];
  passwordsSet: string[];
  database: string;
  /** The audit chains switched to the audit key by this run (normally none). */
  rekeyed: RekeyReport[];
}

/**
 * Applies pending migrations (idempotent), installs or upgrades the job schema
 * and re-grants it, then: role passwords from env (when given), GRANT CONNECT
 * on this database to the runtime and backup roles, REVOKE CONNECT from PUBLIC. Throws
 * with the engine's / Postgres' message on failure.
 */
export async function migrate(ownerUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  if (!ownerUrl) throw new Error("migrate: owner connection string is empty");
  const applied = await applyMigrations(ownerUrl, options.migrationsDir ?? MIGRATIONS_DIR);
  // After the migrations, which create the runtime roles it grants to.
  await installJobSchema(ownerUrl);
  const rekeyed = await rekeyAuditChains(ownerUrl, options.auditKeys ?? (() => parseAuditKeys(process.env)));

  const passwords: [role: string, password: string | undefined][] = [
    [APP_ROLE, options.appPassword ?? process.env.APP_DB_PASSWORD],
    [PLATFORM_ROLE, options.platformPassword ?? process.env.PLATFORM_DB_PASSWORD],
    [BACKUP_ROLE, options.backupPassword ?? process.env.BACKUP_DB_PASSWORD],
  ];

  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
    const database = rows[0]!.db;
    const db = client.escapeIdentifier(database);
    const passwordsSet: string[] = [];
    await client.query("BEGIN");
    try {
      for (const [role, password] of passwords) {
        if (!password) continue;
        // Utility statements take no bind parameters, hence a quoted literal.
        // The server stores a SCRAM-SHA-256 verifier whatever its default says;
        // the plain text only crosses the owner connection.
        await client.query("SET LOCAL password_encryption = 'scram-sha-256'");
        await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(password)}`);
        passwordsSet.push(role);
      }
      for (const statement of connectGrants(db)) await client.query(statement);
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    }
    return { applied, passwordsSet, database, rekeyed };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const ownerUrl = process.env.DATABASE_URL;
  if (!ownerUrl) {
    console.error(
      "migrate: DATABASE_URL is not set. It must be the OWNER connection string, e.g.\n" +
        "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/harambee npm run migrate",
    );
    process.exit(2);
  }
  const started = Date.now();
  const args = process.argv.slice(2);
  const rb = args.indexOf("--rolled-back");
  if (rb !== -1) {
    const name = args[rb + 1];
    if (!name) {
      console.error("usage: npm run migrate -- --rolled-back <migration_name>");
      process.exit(2);
    }
    await markMigrationRolledBack(ownerUrl, name);
    console.log(`migrate: marked ${name} as rolled back`);
  }
  const result = await migrate(ownerUrl);
  if (result.applied.length === 0) {
    console.log(`migrate: database "${result.database}" is up to date`);
  } else {
    console.log(`migrate: applied ${result.applied.length} migration(s) to "${result.database}":`);
    for (const name of result.applied) console.log(`  - ${name}`);
  }
  for (const role of result.passwordsSet) console.log(`migrate: password set for ${role}`);
  for (const r of result.rekeyed) {
    if (r.ok) console.log(`migrate: audit chain ${r.chain} keyed: ${r.rehashed} entries re-hashed, head #${r.oldHead.seq} ${r.oldHead.hash} → ${r.newHead.hash}, switch recorded at #${r.switchSeq}`);
    else console.error(`migrate: audit chain ${r.chain} NOT keyed, it does not verify as it stands (${r.problem}); run npm run audit:verify and investigate`);
  }
  console.log(`migrate: done in ${Date.now() - started} ms`);
}

function isEntryModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const self = fileURLToPath(import.meta.url);
  const strip = (p: string) => path.resolve(p).replace(/\.[cm]?[jt]s$/, "");
  return strip(entry) === strip(self);
}

if (isEntryModule()) {
  main().catch((e: unknown) => {
    console.error(`migrate: failed\n${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
