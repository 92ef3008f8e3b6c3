import type { Prisma } from "./generated/client";
import { appDb } from "./clients";
import { tenantScope } from "./tenant-scope";

export type TenantTx = Prisma.TransactionClient;
export type JsonInput = Prisma.InputJsonValue;

/**
 * Runs `fn` in one transaction whose `app.org_id` is the tenant. The setting is
 * transaction-local, so a pooled connection never carries it into the next
 * request; RLS policies read it, and with it unset they return no rows. It
 * travels with the BEGIN (lib/db/tenant-scope.ts), or, where the client's pool
 * cannot carry it, as the transaction's first statement.
 */
export async function withTenant<T>(organizationId: string, fn: (tx: TenantTx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const scope = { organizationId, applied: false };
  return tenantScope.run(scope, () =>
    appDb().$transaction(
      async (tx) => {
        if (!scope.applied) await tx.$executeRaw`SELECT set_config('app.org_id', ${organizationId}, true)`;
        return fn(tx);
      },
      { maxWait: 10_000, timeout: options.timeoutMs ?? 30_000 },
    ),
  );
}
