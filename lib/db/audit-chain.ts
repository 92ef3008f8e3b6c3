import type { TenantTx } from "./tenant";

export type ChainHead = { seq: bigint; hash: string };

/**
 * Takes the chain's append lock until the transaction ends and reads its last
 * entry, in one round trip (the `audit_chain_head` function: the lock, then a
 * read with a fresh snapshot, so two writers never see the same head and the
 * chain never forks). The platform's chain when `organizationId` is null.
 */
export async function lockChainHead(tx: TenantTx, organizationId: string | null): Promise<ChainHead | null> {
  const rows = await tx.$queryRaw<ChainHead[]>`SELECT seq, hash FROM audit_chain_head(${organizationId}::uuid)`;
  return rows[0] ?? null;
}

export type AuditRow = {
  id: string;
  organizationId: string | null;
  seq: bigint;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  action: string;
  summary: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
  keyId: string;
  /** Not hashed: which request or job wrote it (docs/AUDIT.md). */
  requestId: string | null;
};

/** Prisma's select for a whole stored entry, as the chain's readers (the audit page, the checkpoint job) need it. */
export const AUDIT_ROW_SELECT = {
  id: true,
  organizationId: true,
  seq: true,
  at: true,
  actorId: true,
  actorLabel: true,
  ip: true,
  action: true,
  summary: true,
  targetType: true,
  targetId: true,
  before: true,
  after: true,
  prevHash: true,
  hash: true,
  keyId: true,
  requestId: true,
} as const satisfies Record<keyof AuditRow, true>;

/**
 * Writes one chained entry as one INSERT without RETURNING: the append's
 * second and last statement under the chain lock. `at` goes as ISO-8601 with
 * its zone, so the stored instant is the hashed one whatever the session's time zone.
 */
export async function insertAuditRow(tx: TenantTx, row: AuditRow): Promise<void> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  await tx.$executeRaw`INSERT INTO audit_entry (id, organization_id, seq, at, actor_id, actor_label, ip, action, summary, target_type, target_id, before, after, prev_hash, hash, key_id, request_id)
    VALUES (${row.id}::uuid, ${row.organizationId}::uuid, ${row.seq}, ${row.at.toISOString()}::timestamptz, ${row.actorId}::uuid, ${row.actorLabel}, ${row.ip}, ${row.action}, ${row.summary},
            ${row.targetType}, ${row.targetId}, ${json(row.before)}::jsonb, ${json(row.after)}::jsonb, ${row.prevHash}, ${row.hash}, ${row.keyId}, ${row.requestId})`;
}
