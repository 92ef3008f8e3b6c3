import type { Prisma } from "./generated/client";
import { appDb } from "./clients";

export type TenantTx = Prisma.TransactionClient;
export type JsonInput = Prisma.InputJsonValue;

/**
 * Runs `fn` in one transaction whose `app.org_id` is the tenant. The setting is
 * transaction-local, so a pooled connection never carries it into the next
 * request; RLS policies read it, and with it unset they return no rows.
 */
export async function withTenant<T>(organizationId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return appDb().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.org_id', ${organizationId}, true)`;
      return fn(tx);
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/**
 * Serialises appends to one audit chain until the transaction ends, so two
 * writers never read the same previous hash (an unlocked chain forks).
 */
export async function lockAuditChain(tx: TenantTx, chain: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${chain}`}, 0))`;
}
