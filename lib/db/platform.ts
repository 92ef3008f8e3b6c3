import type { Prisma } from "./generated/client";
import { ciphertextDbClient, platformDbClient } from "./clients";

export type PlatformTx = Prisma.TransactionClient;

/** A transaction as the platform role (BYPASSRLS): admin pages, jobs, signup, reporting. */
export async function withPlatform<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return platformDbClient().$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}

/**
 * A platform transaction that sees encrypted fields as stored (ciphertext and
 * blind indexes, nothing decrypted): for key rotation only.
 */
export async function withCiphertext<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return ciphertextDbClient().$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}
