import { z } from "zod";
import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { AUDIT_ROW_SELECT } from "../db/audit-chain";
import { withTenant, type TenantTx } from "../db/tenant";
import { notFoundError } from "../errors";
import { chainOf, latestCheckpoint, type Checkpoint } from "../audit/checkpoints";
import { verifyChain, type ChainVerdict } from "../audit/verify";
import { env } from "../env";
import { objectStore } from "../storage";
import { filterMatchesNothing, type AuditFilter } from "../schemas/audit";

const PAGE_SIZE = 50;


/** The organisation's own chain only: RLS hides the platform chain and every other organisation's. */
function assertReader(actor: Actor) {
  if (!can(actor, "audit:read")) throw notFoundError();
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

/**
 * The filters as a where-clause: actor by id or by a part of their label,
 * action by prefix ("member." finds every member action), target by id or
 * type, dates as whole UTC days.
 */
function whereOf(filter: AuditFilter) {
  const { actor, action, target, from, to } = filter;
  const day = 86_400_000;
  if (filterMatchesNothing(filter)) return { id: { in: [] } };
  return {
    ...(actor ? { OR: [{ actorLabel: { contains: actor, mode: "insensitive" as const } }, ...(isUuid(actor) ? [{ actorId: actor }] : [])] } : {}),
    ...(action ? { action: { startsWith: action } } : {}),
    ...(target ? { AND: [{ OR: [{ targetId: target }, { targetType: { equals: target, mode: "insensitive" as const } }] }] } : {}),
    ...(from || to
      ? { at: { ...(from ? { gte: new Date(`${from}T00:00:00Z`) } : {}), ...(to ? { lt: new Date(new Date(`${to}T00:00:00Z`).getTime() + day) } : {}) } }
      : {}),
  };
}

/** One page of the trail, newest first, keyset-paginated by seq: `before` is the last seq of the previous page. */
export async function listAuditEntries(actor: Actor, filter: AuditFilter, before?: bigint) {
  assertReader(actor);
  const rows = await withTenant(actor.organizationId, (tx) =>
    tx.auditEntry.findMany({
      where: { ...whereOf(filter), ...(before ? { seq: { lt: before } } : {}) },
      orderBy: { seq: "desc" },
      take: PAGE_SIZE + 1,
      select: AUDIT_ROW_SELECT,
    }),
  );
  const entries = rows.slice(0, PAGE_SIZE);
  return { entries, next: rows.length > PAGE_SIZE ? entries[entries.length - 1].seq : null };
}

/** Reads the organisation's chain in (seq, id) order through the tenant transaction. */
function chainBatch(tx: TenantTx, after: { seq: bigint; id: string } | null, limit: number) {
  return tx.auditEntry.findMany({
    // seq bounds the index scan; id only breaks ties.
    where: after ? { seq: { gte: after.seq }, OR: [{ seq: { gt: after.seq } }, { id: { gt: after.id } }] } : {},
    orderBy: [{ seq: "asc" }, { id: "asc" }],
    take: limit,
    select: AUDIT_ROW_SELECT,
  });
}

/** The organisation's newest signed checkpoint (outside the database), for the owner to keep a copy of its head. */
export async function latestAuditCheckpoint(actor: Actor): Promise<Checkpoint | null> {
  assertReader(actor);
  return (await latestCheckpoint(objectStore(), chainOf(actor.organizationId), env().checkpointVerifyKeys)).checkpoint;
}

/** The "Verify chain" check of the audit page: the organisation's whole chain, batch by batch, against its latest checkpoint. */
export async function verifyAuditChain(actor: Actor): Promise<ChainVerdict> {
  const checkpoint = await latestAuditCheckpoint(actor);
  return verifyChain((after, limit) => withTenant(actor.organizationId, (tx) => chainBatch(tx, after, limit)), {
    keys: env().auditKeys.keys,
    checkpoint: checkpoint ?? undefined,
    batchSize: 2_000,
  });
}
