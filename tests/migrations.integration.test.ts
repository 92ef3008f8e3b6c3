/**
 * Integration: prisma/migrations applied through the wasm schema engine.
 * Needs DATABASE_URL = an OWNER connection string to a disposable database
 * (it is migrated by this test if the setup has not done so already).
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { migrate } from "../scripts/migrate";
import { env } from "@/lib/env";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMA_PATH = path.join(ROOT, "prisma/schema.prisma");
const MIGRATIONS_DIR = path.join(ROOT, "prisma/migrations");

const ownerUrl = process.env.DATABASE_URL ?? "";
let client: pg.Client;

beforeAll(async () => {
  if (!ownerUrl) throw new Error("DATABASE_URL (owner connection string of a test database) is required");
  await migrate(ownerUrl);
  client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await client?.end();
});

// ---------------------------------------------------------------------------
// Minimal schema.prisma reader: models -> table + column names (@map/@@map).
// ---------------------------------------------------------------------------

interface ModelInfo {
  model: string;
  table: string;
  columns: { field: string; column: string }[];
}

function stripComment(line: string): string {
  // schema.prisma comments are `//` / `///`; string literals in attributes here never contain `//`.
  const i = line.indexOf("//");
  return (i === -1 ? line : line.slice(0, i)).trim();
}

function parseModels(schema: string): ModelInfo[] {
  const blocks = [...schema.matchAll(/^\s*(model|enum|type|view)\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)];
  const modelNames = new Set(blocks.filter((b) => b[1] === "model").map((b) => b[2]!));
  const models: ModelInfo[] = [];
  for (const [, kind, name, body] of blocks) {
    if (kind !== "model") continue;
    let table = name!;
    const columns: ModelInfo["columns"] = [];
    for (const raw of body!.split("\n")) {
      const line = stripComment(raw);
      if (!line) continue;
      const blockMap = line.match(/^@@map\(\s*"([^"]+)"\s*\)/);
      if (blockMap) {
        table = blockMap[1]!;
        continue;
      }
      if (line.startsWith("@@")) continue;
      const field = line.match(/^(\w+)\s+([\w.]+(?:\([^)]*\))?)(\[\])?(\?)?/);
      if (!field) continue;
      const [, fieldName, type] = field;
      if (modelNames.has(type!)) continue; // relation field: no column of its own
      const mapped = line.match(/@map\(\s*"([^"]+)"\s*\)/);
      columns.push({ field: fieldName!, column: mapped ? mapped[1]! : fieldName! });
    }
    models.push({ model: name!, table, columns });
  }
  return models;
}

// ---------------------------------------------------------------------------

test("[B3.2] the migrated database has every model and field of schema.prisma", async () => {
  const models = parseModels(await readFile(SCHEMA_PATH, "utf8"));
  expect(models.length).toBeGreaterThan(0);

  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const existing = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!existing.has(r.table_name)) existing.set(r.table_name, new Set());
    existing.get(r.table_name)!.add(r.column_name);
  }

  const missing: string[] = [];
  for (const m of models) {
    const cols = existing.get(m.table);
    if (!cols) {
      missing.push(`table ${m.table} (model ${m.model})`);
      continue;
    }
    expect(m.columns.length, `model ${m.model} has no parsed fields`).toBeGreaterThan(0);
    for (const c of m.columns) {
      if (!cols.has(c.column)) missing.push(`column ${m.table}.${c.column} (${m.model}.${c.field})`);
    }
  }
  expect(missing).toEqual([]);
});

test("every table with organization_id except session has RLS enabled and forced, with a tenant_isolation policy", async () => {
  const { rows } = await client.query<{
    table_name: string;
    relrowsecurity: boolean;
    relforcerowsecurity: boolean;
    has_policy: boolean;
  }>(
    `SELECT c.relname AS table_name, c.relrowsecurity, c.relforcerowsecurity,
            EXISTS (SELECT 1 FROM pg_policies p
                     WHERE p.schemaname = 'public' AND p.tablename = c.relname
                       AND p.policyname = 'tenant_isolation') AS has_policy
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM information_schema.columns col
                     WHERE col.table_schema = 'public' AND col.table_name = c.relname
                       AND col.column_name = 'organization_id')
        AND c.relname <> 'session'
      ORDER BY 1`,
  );
  const names = rows.map((r) => r.table_name);
  // The known tenant tables must be among them (guards against an empty query result).
  expect(names).toEqual(expect.arrayContaining(["audit_entry", "member", "membership"]));
  const unprotected = rows
    .filter((r) => !r.relrowsecurity || !r.relforcerowsecurity || !r.has_policy)
    .map((r) => `${r.table_name} (rls=${r.relrowsecurity}, force=${r.relforcerowsecurity}, policy=${r.has_policy})`);
  expect(unprotected).toEqual([]);
});

test("harambee_app is neither superuser nor BYPASSRLS", async () => {
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'harambee_app'`,
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
});

test("migrate is idempotent: a second run applies nothing and every migration is recorded as finished", async () => {
  const second = await migrate(ownerUrl);
  expect(second.applied).toEqual([]);

  const dirs = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM _prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
      ORDER BY migration_name`,
  );
  expect(rows.map((r) => r.migration_name)).toEqual(dirs);
}, 60_000);

test("[M1.4] the app role cannot connect to another database of the cluster", async () => {
  const appUrl = new URL(env().appDatabaseUrl);
  appUrl.pathname = "/postgres";
  const other = new pg.Client({ connectionString: appUrl.href });
  await expect(other.connect()).rejects.toThrow(/permission denied for database "postgres"/);
  await other.end().catch(() => undefined);
});

test("[M1.4] the app role cannot change the schema: no CREATE, ALTER or DROP", async () => {
  const app = new pg.Client({ connectionString: env().appDatabaseUrl });
  await app.connect();
  try {
    await expect(app.query("CREATE TABLE app_made (id int)")).rejects.toThrow(/permission denied for schema public/);
    await expect(app.query("ALTER TABLE member ADD COLUMN smuggled text")).rejects.toThrow(/must be owner of table member/);
    await expect(app.query("DROP TABLE audit_entry")).rejects.toThrow(/must be owner of table audit_entry/);
    await expect(app.query("ALTER TABLE member DISABLE ROW LEVEL SECURITY")).rejects.toThrow(/must be owner of table member/);
  } finally {
    await app.end();
  }
});

test("[M1.4] the runtime roles authenticate with SCRAM-SHA-256: stored verifiers and the server's host rules", async () => {
  const roles = await client.query<{ rolname: string; scram: boolean }>(
    `SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('harambee_app', 'harambee_platform') ORDER BY 1`,
  );
  expect(roles.rows).toEqual([
    { rolname: "harambee_app", scram: true },
    { rolname: "harambee_platform", scram: true },
  ]);
  const rules = await client.query<{ type: string; auth_method: string }>("SELECT type, auth_method FROM pg_hba_file_rules WHERE type <> 'local'");
  expect(rules.rows.length).toBeGreaterThan(0);
  expect(rules.rows.filter((r) => r.auth_method !== "scram-sha-256")).toEqual([]);
});
