import { randomUUID } from "node:crypto";
import { currentRequestId } from "../context/request-id";
import { insertAuditRow, lockChainHead } from "../db/audit-chain";
import type { TenantTx } from "../db/tenant";
import { env } from "../env";
import { GENESIS_HASH, entryHash } from "./canonical";

export type AuditActor = { id: string | null; label: string; ip: string | null };

export type AuditRecord = {
  action: string;
  summary: string;
  targetType?: string | null;
  targetId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

/**
 * Appends one entry to a chain (an organisation's, or the platform's when
 * `organizationId` is null) inside the caller's transaction, so the entry
 * commits or rolls back with the change it records. Its hash is an HMAC under
 * the current audit key, whose id it stores. Two round trips: the chain's
 * lock with its head (lib/db/audit-chain.ts), then the entry. The entry
 * carries the current request's or job's id, outside its hash.
 */
export async function appendAudit(
  tx: TenantTx,
  organizationId: string | null,
  actor: AuditActor,
  record: AuditRecord,
): Promise<{ seq: bigint; hash: string }> {
  const last = await lockChainHead(tx, organizationId);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = {
    organizationId,
    seq: (last?.seq ?? 0n) + 1n,
    at: new Date(),
    actorId: actor.id,
    actorLabel: actor.label,
    ip: actor.ip,
    action: record.action,
    summary: record.summary,
    targetType: record.targetType ?? null,
    targetId: record.targetId ?? null,
    before: record.before ?? null,
    after: record.after ?? null,
  };
  const { currentKeyId, keys } = env().auditKeys;
  const hash = entryHash(keys.get(currentKeyId)!, prevHash, fields);
  await insertAuditRow(tx, { id: randomUUID(), ...fields, prevHash, hash, keyId: currentKeyId, requestId: currentRequestId() ?? null });
  return { seq: fields.seq, hash };
}
