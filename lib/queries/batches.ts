import { z } from "zod";
import type { Actor } from "../authz/actor";
import { can } from "../authz/capabilities";
import { scope } from "../authz/scope";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/**
 * Beneficiary batches, read by whoever may manage them, within the reach of
 * the locations they hold (promise M4.3): a location admin their location's,
 * a program manager their program's, owners and admins all.
 */
const batchScope = (actor: Actor) => scope(actor, "batch");

const summary = {
  id: true,
  status: true,
  fileName: true,
  bytes: true,
  sha256: true,
  received: true,
  valid: true,
  rejected: true,
  duplicate: true,
  imported: true,
  done: true,
  problem: true,
  uploadedAt: true,
  uploadedById: true,
  processingStartedAt: true,
  progressAt: true,
  processedAt: true,
  purgedAt: true,
  programId: true,
  location: { select: { id: true, name: true, program: { select: { id: true, name: true } } } },
} as const;

export async function listBatches(actor: Actor) {
  const where = batchScope(actor);
  return withTenant(actor.organizationId, (tx) => tx.beneficiaryBatch.findMany({ where, orderBy: [{ uploadedAt: "desc" }, { id: "asc" }], take: 100, select: summary }));
}

export async function getBatch(actor: Actor, id: string) {
  const where = batchScope(actor);
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const batch = await withTenant(actor.organizationId, async (tx) => {
    const found = await tx.beneficiaryBatch.findFirst({ where: { id, ...where }, select: summary });
    if (!found) return null;
    const uploader = await tx.membership.findFirst({ where: { userId: found.uploadedById }, select: { user: { select: { name: true, email: true } } } });
    return { ...found, uploadedBy: uploader?.user.name ?? "a former member" };
  });
  if (!batch) throw notFoundError();
  return batch;
}

export type BatchProgress = { status: string; valid: number; done: number; imported: number; duplicate: number; rowsPerSecond: number | null; etaSeconds: number | null; percent: number };

/** The progress bar's figures: rows settled, their rate since processing started, and the time left at that rate. */
export async function batchProgress(actor: Actor, id: string): Promise<BatchProgress> {
  const b = await getBatch(actor, id);
  const seconds = b.processingStartedAt && b.progressAt ? (b.progressAt.getTime() - b.processingStartedAt.getTime()) / 1000 : 0;
  const rowsPerSecond = seconds > 0 && b.done > 0 ? b.done / seconds : null;
  const left = b.valid - b.done;
  return {
    status: b.status,
    valid: b.valid,
    done: b.done,
    imported: b.imported,
    duplicate: b.duplicate,
    rowsPerSecond: rowsPerSecond === null ? null : Math.round(rowsPerSecond),
    etaSeconds: rowsPerSecond ? Math.ceil(left / rowsPerSecond) : null,
    percent: b.status === "PROCESSED" ? 100 : b.valid > 0 ? Math.floor((b.done / b.valid) * 100) : 0,
  };
}

/** The rows of one batch that were not imported, with their reasons (never their values): the report. */
export async function batchReportRows(actor: Actor, id: string) {
  await getBatch(actor, id);
  return withTenant(actor.organizationId, (tx) =>
    tx.beneficiaryBatchRow.findMany({
      where: { batchId: id, organizationId: actor.organizationId, status: { in: ["REJECTED", "DUPLICATE"] } },
      orderBy: { rowNumber: "asc" },
      select: { rowNumber: true, status: true, errors: true },
    }),
  );
}

/** The locations the actor may upload a batch for. */
export async function batchLocations(actor: Actor) {
  if (!can(actor, "batches:manage")) throw notFoundError();
  const where = scope(actor, "location");
  return withTenant(actor.organizationId, (tx) =>
    tx.location.findMany({ where, orderBy: [{ program: { name: "asc" } }, { name: "asc" }], select: { id: true, name: true, programId: true, program: { select: { name: true } } } }),
  );
}

/** One location the actor may upload for, with its program (the object key names both). */
export async function batchLocation(actor: Actor, locationId: string) {
  if (!can(actor, "batches:manage") || !z.uuid().safeParse(locationId).success) throw notFoundError();
  const where = scope(actor, "location");
  const location = await withTenant(actor.organizationId, (tx) => tx.location.findFirst({ where: { id: locationId, ...where }, select: { id: true, programId: true } }));
  if (!location) throw notFoundError();
  return location;
}

/** The organisation's retention settings (promise M11.1). */
export async function retentionSettings(actor: Actor) {
  if (!can(actor, "retention:manage")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { piiRetentionDays: true, purgeIdentifiers: true } }),
  );
}
