import pg from "pg";
import { env } from "../env";
import { UUID } from "./tenant-scope";

/**
 * The app role over plain node-postgres, for a long streaming read that
 * needs nothing of Prisma (the audit CSV export, promise M5.3): each batch in
 * its own short read-only transaction with `app.org_id` set, exactly as
 * withTenant sets it, so RLS scopes it to the tenant. Its own small pool:
 * an export never holds one of the app's Prisma connections.
 */
const globalPool = globalThis as unknown as { harambeeTenantReads?: pg.Pool };

export async function readAsTenant<T>(organizationId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  // Inlined (escaped) so BEGIN and the tenant travel in one round trip; an id is always a UUID.
  if (!UUID.test(organizationId)) throw new Error("readAsTenant: the organization id is not a UUID");
  globalPool.harambeeTenantReads ??= new pg.Pool({ connectionString: env().appDatabaseUrl, max: 2 });
  const client = await globalPool.harambeeTenantReads.connect();
  try {
    await client.query(`BEGIN READ ONLY; SELECT set_config('app.org_id', ${client.escapeLiteral(organizationId)}, true)`);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function endTenantReads(): Promise<void> {
  await globalPool.harambeeTenantReads?.end();
  globalPool.harambeeTenantReads = undefined;
}
