import type { Prisma } from "./generated/client";
import { ciphertextDbClient, platformDbClient } from "./clients";
import { withTenant, type TenantTx } from "./tenant";

export type PlatformTx = Prisma.TransactionClient;

/** A transaction as the platform role (BYPASSRLS): admin pages, jobs, signup, reporting. */
export async function withPlatform<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return platformDbClient().$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}

/**
 * A transaction on the side a session belongs to: its organisation's (RLS),
 * or the platform's for an apex session (platform admins belong to no
 * organisation), so what it audits lands on that side's chain.
 */
export async function withSessionSide<T>(organizationId: string | null, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return organizationId ? withTenant(organizationId, fn) : withPlatform(fn);
}

/**
 * A platform transaction that sees encrypted fields as stored (ciphertext and
 * blind indexes, nothing decrypted): for key rotation only.
 */
export async function withCiphertext<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return ciphertextDbClient().$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}
