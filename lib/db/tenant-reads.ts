import pg from "pg";
import { UUID } from "./tenant-scope";

/**
 * The app role over plain node-postgres, for a long streaming read that
 * needs nothing of Prisma (the audit CSV export's child process, promise
 * M5.3): each batch in its own short read-only transaction with `app.org_id`
 * set, exactly as withTenant sets it, so RLS scopes it to the tenant. Its own
 * small pool on the URL it is given: the process that streams reads no other
 * setting and holds no other connection.
 */
export type TenantReads = {
  read<T>(organizationId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  end(): Promise<void>;
};

export function tenantReads(appDatabaseUrl: string): TenantReads {
  const pool = new pg.Pool({ connectionString: appDatabaseUrl, max: 1 });
  return {
    async read(organizationId, fn) {
      // Inlined (escaped) so BEGIN and the tenant travel in one round trip; an id is always a UUID.
      if (!UUID.test(organizationId)) throw new Error("tenantReads: the organization id is not a UUID");
      const client = await pool.connect();
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
    },
    end: () => pool.end(),
  };
}
