import type { TenantTx } from "./tenant";

/**
 * The next donor-receipt number in an organisation's year, from its counter
 * row, in the caller's transaction: the row stays locked until it ends, so
 * concurrent issuers take turns, and a rollback gives the number back. A
 * sequence would not: nextval survives a rollback and leaves a gap (B3.3).
 */
export async function takeReceiptSeq(tx: TenantTx, organizationId: string, year: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ last_seq: number }[]>`
    INSERT INTO receipt_counter (organization_id, year, last_seq) VALUES (${organizationId}::uuid, ${year}, 1)
    ON CONFLICT (organization_id, year) DO UPDATE SET last_seq = receipt_counter.last_seq + 1
    RETURNING last_seq`;
  return row!.last_seq;
}
