import pg from "pg";
import { env } from "@/lib/env";

/** Raw connections for tests that must see the database as a given role. */
export async function connectAs(role: "owner" | "app" | "platform"): Promise<pg.Client> {
  const e = env();
  const url = role === "owner" ? process.env.DATABASE_URL! : role === "app" ? e.appDatabaseUrl : e.platformDatabaseUrl;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Every table carrying organization_id, i.e. every tenant table (session is an auth table). */
export async function tenantTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'organization_id' AND table_name <> 'session'
      ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}
