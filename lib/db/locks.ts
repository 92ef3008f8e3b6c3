import type { TenantTx } from "./tenant";

/**
 * Serialises transactions that name the same key until they end: for work
 * that must see another's committed row before deciding (two webhooks for one
 * payment), where a unique index alone would fail the second instead.
 */
export async function lockKey(tx: TenantTx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
