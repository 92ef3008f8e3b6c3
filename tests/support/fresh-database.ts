import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../../scripts/migrate";

/**
 * A database of its own on the run's embedded PostgreSQL, migrated, and made
 * the one this test file's app clients use. For tests whose subject is the
 * whole database (a pg_dump, a rotation over every row), so rows other test
 * files leave behind — tampered ones on purpose — cannot take part. Call it
 * before anything reads the environment (env() is cached per process).
 */
export async function useFreshDatabase(prefix: string): Promise<{ ownerUrl: string; name: string }> {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  const ownerUrl = base.toString();
  await migrate(ownerUrl);
  process.env.DATABASE_URL = ownerUrl;
  return { ownerUrl, name };
}
