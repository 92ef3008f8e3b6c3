import type { TenantTx } from "./tenant";

/**
 * The beneficiary-batch statements the ORM cannot say: a row lock, and bulk
 * writes of NULL into encrypted columns (the field-encryption extension
 * refuses bulk updates of those; a NULL needs no encryption). Each runs in
 * the caller's tenant transaction, so RLS applies.
 */

/** Locks a batch's row until the transaction ends: two runs of one batch take turns. Its status, or null if unseen. */
export async function lockBatch(tx: TenantTx, batchId: string): Promise<string | null> {
  const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM beneficiary_batch WHERE id = ${batchId}::uuid FOR UPDATE`;
  return row?.status ?? null;
}

/** Marks staged rows imported or taken, dropping their values (the beneficiary holds them now, or nobody should). */
export async function settleStagedRows(tx: TenantTx, imported: string[], taken: string[], takenReason: string): Promise<void> {
  if (imported.length) await tx.$executeRaw`UPDATE beneficiary_batch_row SET status = 'IMPORTED', data = NULL WHERE id = ANY(${imported}::uuid[])`;
  if (taken.length) await tx.$executeRaw`UPDATE beneficiary_batch_row SET status = 'DUPLICATE', data = NULL, errors = ${takenReason} WHERE id = ANY(${taken}::uuid[])`;
}

/** Clears the NIN, BVN and phone (ciphertext and blind index) of every beneficiary a batch imported. */
export async function clearBatchIdentifiers(tx: TenantTx, batchId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE beneficiary SET nin = NULL, nin_index = NULL, bvn = NULL, bvn_index = NULL, phone = NULL, phone_index = NULL
     WHERE batch_row_id IN (SELECT id FROM beneficiary_batch_row WHERE batch_id = ${batchId}::uuid)`;
}
