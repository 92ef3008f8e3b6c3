import { readFileSync } from "node:fs";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { expect } from "@playwright/test";
import pg from "pg";
import { parseAuditKeys } from "../../lib/crypto/keyring";
import { PORT } from "./app";

/**
 * The e2e server's own database, as its owner: ground truth about seeded
 * objects and the audit trail, read beside the app rather than through it.
 * playwright.config.ts puts the data in E2E_DATA_DIR and PostgreSQL on PORT + 10000.
 */
function serverSecrets(): { ownerPassword: string; auditKeys: string } {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as { ownerPassword: string; auditKeys: string };
}

/** The server's audit keys (AUDIT_KEYS, generated beside its data), as an auditor holding them re-checks an export. */
export function serverAuditKeys(): ReadonlyMap<string, KeyObject> {
  return parseAuditKeys({ AUDIT_KEYS: serverSecrets().auditKeys }).keys;
}

export async function connectOwner(): Promise<pg.Client> {
  const { ownerPassword } = serverSecrets();
  const client = new pg.Client({ connectionString: `postgres://postgres:${encodeURIComponent(ownerPassword)}@127.0.0.1:${PORT + 10_000}/harambee` });
  await client.connect();
  return client;
}

/**
 * Waits until no beneficiary batch of the organisation is queued or importing: the seed leaves one
 * importing, which the server's worker finishes about a minute after start, moving counts as it goes.
 */
export async function batchesSettled(db: pg.Client, slug: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (await db.query("SELECT 1 FROM beneficiary_batch b JOIN organization o ON o.id = b.organization_id WHERE o.slug = $1 AND b.status IN ('QUEUED', 'PROCESSING')", [slug]))
          .rowCount,
      { timeout: 150_000 },
    )
    .toBe(0);
}
