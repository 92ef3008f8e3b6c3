import { createHash, randomUUID } from "node:crypto";
import type { Actor } from "../authz/actor";
import { can } from "../authz/capabilities";
import { scope } from "../authz/scope";
import { readBatchRecords, readBatchRows } from "../batches/read-rows";
import { readXlsxRecords } from "../batches/read-xlsx";
import { clearBatchIdentifiers, lockBatch, settleStagedRows } from "../db/batch-rows";
import { indexMatch } from "../db/search-index";
import type { TenantTx } from "../db/tenant";
import { conflictError, invalidError, notFoundError } from "../errors";
import { enqueue } from "../jobs/queue";
import { batchLocation } from "../queries/batches";
import { batchIdInput, retentionInput, uploadBatchInput, type BatchRow } from "../schemas/batches";
import { objectStore } from "../storage";
import { sniffUpload } from "../uploads/content-type";
import { afterCommit, defineMutation } from "./mutation";

/**
 * Beneficiary batches (promise P6): a file uploaded for one location is read
 * into staged rows with a verdict each, reviewed, then imported by the worker
 * a chunk at a time, and its raw PII purged when the organisation's retention
 * runs out (M11.1), keeping counts, checksum and status (M11.2).
 */
export const PROCESS_JOB = "batches.process";

/** CSV is the only format accepted: plain text by content, nothing file-type recognises. */
/** CSV (plain text) or an Excel workbook, by content. */
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ALLOWED = { mimes: [XLSX], text: true };

/** Rows per chunk: one tenant transaction and one audit entry each. */
export const CHUNK_ROWS = 250;

export const batchObjectKey = (organizationId: string, programId: string, batchId: string) => `${organizationId}/${programId}/batches/${batchId}`;

// Staged rows are written a slice at a time, so a 100,000-row file is not one statement.
const INSERT_SLICE = 1000;

/** Each value's index forms (per-organisation and legacy), so a duplicate is found whichever a stored row holds. */
function indexForms(organizationId: string, kind: "nin" | "bvn", values: string[]): Map<string, string[]> {
  const forms = new Map<string, string[]>();
  for (const value of new Set(values)) forms.set(value, indexMatch(organizationId, kind, value)?.in ?? []);
  return forms;
}

/** Which NINs and BVNs are already registered to a beneficiary of this organisation (RLS: only this one's). */
async function takenIdentifiers(tx: TenantTx, organizationId: string, nins: string[], bvns: string[]) {
  const ninForms = indexForms(organizationId, "nin", nins);
  const bvnForms = indexForms(organizationId, "bvn", bvns);
  const taken = new Set<string>();
  const all = [...ninForms.values(), ...bvnForms.values()].flat();
  for (let i = 0; i < all.length; i += 5000) {
    const slice = all.slice(i, i + 5000);
    const rows = await tx.beneficiary.findMany({ where: { OR: [{ ninIndex: { in: slice } }, { bvnIndex: { in: slice } }] }, select: { ninIndex: true, bvnIndex: true } });
    for (const row of rows) for (const index of [row.ninIndex, row.bvnIndex]) if (index) taken.add(index);
  }
  const isTaken = (forms: Map<string, string[]>, value: string | null) => value !== null && (forms.get(value) ?? []).some((f) => taken.has(f));
  return (nin: string, bvn: string | null) => isTaken(ninForms, nin) || isTaken(bvnForms, bvn);
}

const recordUpload = defineMutation({
  action: "batch.upload",
  capability: "batches:manage",
  input: uploadBatchInput,
  run: async (tx, input, actor) => {
    if (!actor.userId) throw new Error("Batches are uploaded by a person");
    const location = await tx.location.findFirst({ where: { id: input.locationId, ...scope(actor, "location") }, select: { id: true, programId: true } });
    if (!location) throw notFoundError();
    const valid = input.rows.filter((r) => r.errors === null && r.nin !== null);
    const taken = await takenIdentifiers(tx, actor.organizationId, valid.map((r) => r.nin!), valid.flatMap((r) => (r.bvn ? [r.bvn] : [])));
    const staged = input.rows.map((r) => {
      const status = r.errors !== null ? ("REJECTED" as const) : r.inFileDuplicate || taken(r.nin!, r.bvn) ? ("DUPLICATE" as const) : ("VALID" as const);
      const errors = status === "DUPLICATE" ? (r.inFileDuplicate ? "Duplicate: the same NIN or BVN is on an earlier row of this file" : "Duplicate: a beneficiary with this NIN or BVN is already registered") : r.errors;
      return { rowNumber: r.rowNumber, status, errors, data: status === "VALID" ? r.data : null };
    });
    const counts = {
      received: staged.length,
      valid: staged.filter((r) => r.status === "VALID").length,
      rejected: staged.filter((r) => r.status === "REJECTED").length,
      duplicate: staged.filter((r) => r.status === "DUPLICATE").length,
    };
    await tx.beneficiaryBatch.create({
      data: {
        id: input.id,
        organizationId: actor.organizationId,
        programId: location.programId,
        locationId: location.id,
        fileName: input.fileName,
        bytes: input.bytes,
        sha256: input.sha256,
        objectKey: input.objectKey,
        uploadedById: actor.userId,
        ...counts,
      },
    });
    for (let i = 0; i < staged.length; i += INSERT_SLICE) {
      await tx.beneficiaryBatchRow.createMany({
        data: staged.slice(i, i + INSERT_SLICE).map((r) => ({ ...r, id: randomUUID(), organizationId: actor.organizationId, batchId: input.id })),
      });
    }
    return {
      result: { id: input.id, ...counts },
      audit: {
        summary: "Beneficiary batch uploaded",
        targetType: "BeneficiaryBatch",
        targetId: input.id,
        after: { locationId: location.id, bytes: input.bytes, sha256: input.sha256, ...counts },
      },
    };
  },
});

export type UploadedFile = { locationId: string; fileName: string; body: Buffer };

/**
 * Reads, checks and stages an uploaded file (CSV or XLSX). Refused before anything is
 * stored: a type outside the allow-list (by content), text that is not
 * UTF-8 or Windows-1252, a wrong header, an empty file. The raw file goes to
 * the object store first, so a batch row never names a missing object; if
 * the staging fails, the object is removed again.
 */
export async function uploadBatch(actor: Actor, file: UploadedFile): Promise<{ id: string; received: number; valid: number; rejected: number; duplicate: number }> {
  if (!can(actor, "batches:manage")) throw notFoundError();
  const location = await batchLocation(actor, file.locationId);
  const sniffed = await sniffUpload(file.body, ALLOWED);
  if (!sniffed.ok) throw invalidError(sniffed.reason, { file: [sniffed.reason] });
  const verdicts = sniffed.sniffed.kind === "text" ? readBatchRows(sniffed.sniffed.text) : readBatchRecords(await readXlsxRecords(file.body));
  const id = randomUUID();
  const objectKey = batchObjectKey(actor.organizationId, location.programId, id);
  const store = objectStore();
  await store.create(objectKey, file.body);
  try {
    return await recordUpload(actor, {
      id,
      locationId: location.id,
      fileName: safeFileName(file.fileName),
      bytes: file.body.length,
      sha256: createHash("sha256").update(file.body).digest("hex"),
      objectKey,
      rows: verdicts.map((v) => ({
        rowNumber: v.rowNumber,
        errors: v.errors,
        data: v.row ? JSON.stringify(v.row) : null,
        nin: v.row?.nin ?? null,
        bvn: v.row?.bvn ?? null,
        inFileDuplicate: v.inFileDuplicate,
      })),
    });
  } catch (error) {
    await store.remove(objectKey);
    throw error;
  }
}

/** A display name for the file: its last path segment, printable, at most 200 characters. */
function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return clean || "upload.csv";
}

const LATE_DUPLICATE = "Duplicate: a beneficiary with this NIN or BVN was registered before this row was processed";

const ACTIONABLE = "This batch has already been processed or discarded.";

async function batchInReach(tx: TenantTx, actor: Actor, id: string) {
  const batch = await tx.beneficiaryBatch.findFirst({
    where: { id, ...scope(actor, "batch") },
    select: { id: true, status: true, valid: true, objectKey: true },
  });
  if (!batch) throw notFoundError();
  return batch;
}

export const queueBatch = defineMutation({
  action: "batch.process",
  capability: "batches:manage",
  input: batchIdInput,
  run: async (tx, { id }, actor) => {
    const batch = await batchInReach(tx, actor, id);
    if (batch.status !== "REVIEW") throw conflictError(ACTIONABLE);
    if (batch.valid === 0) throw conflictError("This batch has no valid rows to process.");
    await tx.beneficiaryBatch.update({ where: { id }, data: { status: "QUEUED" } });
    return {
      result: { id, organizationId: actor.organizationId },
      audit: { summary: "Beneficiary batch sent for processing", targetType: "BeneficiaryBatch", targetId: id, before: { status: "REVIEW" }, after: { status: "QUEUED" } },
    };
  },
});

/** The manager's choice to import the valid rows: queued in the transaction, handed to the worker after commit. */
export const processBatch = afterCommit(queueBatch, async (queued) => {
  await enqueue(PROCESS_JOB, { batchId: queued.id, organizationId: queued.organizationId });
  return { id: queued.id };
});

const markDiscarded = defineMutation({
  action: "batch.discard",
  capability: "batches:manage",
  input: batchIdInput,
  run: async (tx, { id }, actor) => {
    const batch = await batchInReach(tx, actor, id);
    if (batch.status !== "REVIEW") throw conflictError(ACTIONABLE);
    await tx.beneficiaryBatchRow.deleteMany({ where: { batchId: id, organizationId: actor.organizationId } });
    const now = new Date();
    await tx.beneficiaryBatch.update({ where: { id }, data: { status: "DISCARDED", objectKey: null, processedAt: now, purgedAt: now } });
    return {
      result: { id, objectKey: batch.objectKey },
      audit: { summary: "Beneficiary batch discarded and its rows deleted", targetType: "BeneficiaryBatch", targetId: id, before: { status: "REVIEW" }, after: { status: "DISCARDED" } },
    };
  },
});

/** Discarding keeps nothing of the file's people: the staged rows go in the transaction, the raw file after it. */
export const discardBatch = afterCommit(markDiscarded, async ({ id, objectKey }) => {
  if (objectKey) await objectStore().remove(objectKey);
  return { id };
});

/**
 * One chunk of a batch's import, in one tenant transaction: the batch row is
 * locked (two runs of one batch take turns), the next valid staged rows are
 * inserted, each beneficiary tied to its staged row by a unique key, and the
 * rows' verdicts and the batch's counters move in the same commit. A run
 * killed mid-chunk rolls the whole chunk back; the next run starts where the
 * last commit left off, so no row is lost or imported twice. A NIN or BVN
 * registered since the upload (another batch, a concurrent upload of the
 * same people) is skipped by the unique index and counted as a duplicate.
 */
export const importBatchChunk = defineMutation({
  action: "batch.import_chunk",
  capability: "batches:manage",
  input: batchIdInput,
  run: async (tx, { id }, actor) => {
    if (!(await lockBatch(tx, id))) throw notFoundError();
    const batch = await tx.beneficiaryBatch.findUniqueOrThrow({ where: { id }, select: { status: true, locationId: true, uploadedById: true, processingStartedAt: true } });
    if (batch.status !== "QUEUED" && batch.status !== "PROCESSING") {
      return { result: { finished: true, imported: 0 }, audit: { summary: "Beneficiary batch chunk: nothing left to import", targetType: "BeneficiaryBatch", targetId: id } };
    }
    const rows = await tx.beneficiaryBatchRow.findMany({ where: { batchId: id, organizationId: actor.organizationId, status: "VALID" }, orderBy: { rowNumber: "asc" }, take: CHUNK_ROWS, select: { id: true, data: true } });
    const now = new Date();
    if (rows.length === 0) {
      await tx.beneficiaryBatch.update({ where: { id }, data: { status: "PROCESSED", processedAt: now, progressAt: now, processingStartedAt: batch.processingStartedAt ?? now } });
      return { result: { finished: true, imported: 0 }, audit: { summary: "Beneficiary batch processed", targetType: "BeneficiaryBatch", targetId: id, before: { status: batch.status }, after: { status: "PROCESSED" } } };
    }
    const { count } = await tx.beneficiary.createMany({
      data: rows.map((r) => {
        const row = JSON.parse(r.data!) as BatchRow;
        return {
          organizationId: actor.organizationId,
          locationId: batch.locationId,
          createdById: batch.uploadedById,
          batchRowId: r.id,
          firstName: row.first_name,
          lastName: row.last_name,
          householdSize: row.household_size,
          nin: row.nin,
          bvn: row.bvn,
          phone: row.phone,
          dateOfBirth: row.date_of_birth,
        };
      }),
      skipDuplicates: true,
    });
    const ids = rows.map((r) => r.id);
    const imported = new Set((await tx.beneficiary.findMany({ where: { batchRowId: { in: ids } }, select: { batchRowId: true } })).map((b) => b.batchRowId));
    const taken = ids.filter((rowId) => !imported.has(rowId));
    await settleStagedRows(tx, [...imported].filter((x): x is string => x !== null), taken, LATE_DUPLICATE);
    await tx.beneficiaryBatch.update({
      where: { id },
      data: { status: "PROCESSING", processingStartedAt: batch.processingStartedAt ?? now, progressAt: now, imported: { increment: count }, duplicate: { increment: taken.length }, done: { increment: rows.length } },
    });
    return {
      result: { finished: false, imported: count },
      audit: { summary: `Beneficiary batch chunk imported (${count} of ${rows.length} rows)`, targetType: "BeneficiaryBatch", targetId: id, after: { imported: count, duplicate: taken.length } },
    };
  },
});

/**
 * The retention purge of one batch (promise M11.1): its staged rows, and,
 * where the organisation chose so, the NIN, BVN and phone (ciphertext and
 * blind index) of the beneficiaries it imported. The batch keeps its counts,
 * checksum and status (M11.2). The raw file is removed by the caller first.
 */
export const purgeBatch = defineMutation({
  action: "batch.purge",
  capability: "batches:manage",
  input: batchIdInput,
  run: async (tx, { id }, actor) => {
    const batch = await tx.beneficiaryBatch.findFirst({ where: { id, organizationId: actor.organizationId }, select: { purgedAt: true, organization: { select: { purgeIdentifiers: true } } } });
    if (!batch) throw notFoundError();
    if (batch.purgedAt) return { result: { id, identifiers: 0 }, audit: { summary: "Beneficiary batch already purged", targetType: "BeneficiaryBatch", targetId: id } };
    let identifiers = 0;
    if (batch.organization.purgeIdentifiers) {
      identifiers = await clearBatchIdentifiers(tx, id);
    }
    const { count: rows } = await tx.beneficiaryBatchRow.deleteMany({ where: { batchId: id, organizationId: actor.organizationId } });
    await tx.beneficiaryBatch.update({ where: { id }, data: { purgedAt: new Date(), objectKey: null } });
    return {
      result: { id, identifiers },
      audit: { summary: "Beneficiary batch PII purged", targetType: "BeneficiaryBatch", targetId: id, after: { stagedRowsDeleted: rows, identifiersCleared: identifiers } },
    };
  },
});

/** The owner's retention settings (promise M11.1): 1–365 days, and whether identifiers go too. */
export const setRetention = defineMutation({
  action: "organization.set_retention",
  capability: "retention:manage",
  input: retentionInput,
  run: async (tx, input, actor) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { piiRetentionDays: true, purgeIdentifiers: true } });
    const after = await tx.organization.update({ where: { id: actor.organizationId }, data: input, select: { piiRetentionDays: true, purgeIdentifiers: true } });
    return { result: after, audit: { summary: "PII retention changed", targetType: "Organization", targetId: actor.organizationId, before, after } };
  },
});
