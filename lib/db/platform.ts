import type { Prisma } from "./generated/client";
import { platformDbClient } from "./clients";

export type PlatformTx = Prisma.TransactionClient;

/** A transaction as the platform role (BYPASSRLS): admin pages, jobs, signup, reporting. */
export async function withPlatform<T>(fn: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return platformDbClient().$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}
