import { z } from "zod";
import { systemActor } from "../authz/actor";
import { platformDbClient } from "../db/clients";
import { logEvent } from "../log";
import { importBatchChunk, PROCESS_JOB } from "../services/batches";
import { enqueue } from "./queue";
import { defineJob } from "./registry";

/**
 * A batch's import (promise P6): chunk after chunk until none is left. Each
 * chunk commits on its own (lib/services/batches.ts importBatchChunk), so a
 * worker killed with SIGKILL loses at most the chunk in flight, which rolled
 * back. The resume job notices a batch whose progress has stopped and sends
 * it again; two runs of one batch take turns on its row lock, so a run that
 * overlaps another imports nothing twice.
 */
const processInput = z.object({ batchId: z.uuid(), organizationId: z.uuid() });

export const importActor = (organizationId: string) => systemActor(organizationId, "beneficiary batch import", ["batches:manage"]);

export async function runBatchImport(data: object): Promise<void> {
  const { batchId, organizationId } = processInput.parse(data);
  const actor = importActor(organizationId);
  let imported = 0;
  for (;;) {
    const chunk = await importBatchChunk(actor, { id: batchId });
    imported += chunk.imported;
    if (chunk.finished) break;
  }
  logEvent("info", "beneficiary batch imported", { job: PROCESS_JOB, batchId, organizationId, imported });
}

/** A batch queued or processing whose last chunk is older than this is taken to have lost its worker. */
export const STALL_SECONDS = 20;

/**
 * Sends again every batch queued or processing whose progress stopped
 * STALL_SECONDS ago; with `{ all: true }` (a worker starting) every such batch,
 * stalled or not: a worker that just died leaves its batch's job active in
 * pg-boss until it expires, and a second run of a batch still moving only
 * takes turns with it on the batch's row lock.
 */
export async function resumeStalledBatches(now = new Date(), all = false): Promise<number> {
  const before = new Date(now.getTime() - STALL_SECONDS * 1000);
  const stalled = await platformDbClient().beneficiaryBatch.findMany({
    where: { status: { in: ["QUEUED", "PROCESSING"] }, ...(all ? {} : { OR: [{ progressAt: null, uploadedAt: { lt: before } }, { progressAt: { lt: before } }] }) },
    select: { id: true, organizationId: true },
  });
  for (const batch of stalled) await enqueue(PROCESS_JOB, { batchId: batch.id, organizationId: batch.organizationId });
  if (stalled.length) logEvent("info", "stalled beneficiary batches resumed", { job: "batches.resume", batches: stalled.length });
  return stalled.length;
}

// A run past its time limit is failed by pg-boss, not stopped; the resume job and the row lock make that harmless.
export const batchImports = defineJob({ name: PROCESS_JOB, run: runBatchImport, options: { retryLimit: 5, retryDelay: 5, expireInSeconds: 3600 } });

const resumeInput = z.object({ all: z.boolean().default(false) });

export const batchResume = defineJob({
  name: "batches.resume",
  schedule: "* * * * *",
  run: (data) => resumeStalledBatches(new Date(), resumeInput.parse(data).all).then(() => undefined),
  onWorkerStart: { all: true },
  options: { retryLimit: 0 },
});
