import { systemActor } from "../authz/actor";
import { platformDbClient } from "../db/clients";
import { logError, logEvent } from "../log";
import { purgeBatch } from "../services/batches";
import { objectStore } from "../storage";
import { defineJob } from "./registry";

/**
 * The retention purge (promise M11.1): every batch processed (or discarded)
 * more than its organisation's `piiRetentionDays` ago loses its raw file,
 * then its staged rows and, where the organisation chose so, its
 * beneficiaries' identifiers (lib/services/batches.ts purgeBatch). The file
 * goes first: a purge interrupted between the two is finished by the next
 * run, and removing a missing object is not an error. `now` is the test clock.
 */
const DAY_MS = 86_400_000;
const JOB = "batches.purge-pii";

export async function purgeExpiredBatches(now = new Date()): Promise<number> {
  const candidates = await platformDbClient().beneficiaryBatch.findMany({
    where: { status: { in: ["PROCESSED", "DISCARDED"] }, purgedAt: null, processedAt: { not: null } },
    select: { id: true, organizationId: true, objectKey: true, processedAt: true, organization: { select: { piiRetentionDays: true } } },
    orderBy: { processedAt: "asc" },
  });
  const due = candidates.filter((b) => b.processedAt!.getTime() + b.organization.piiRetentionDays * DAY_MS <= now.getTime());
  const store = objectStore();
  let failed = 0;
  for (const batch of due) {
    try {
      if (batch.objectKey) await store.remove(batch.objectKey);
      await purgeBatch(systemActor(batch.organizationId, "PII retention purge (scheduled)", ["batches:manage"]), { id: batch.id });
    } catch (error) {
      failed++;
      logError("beneficiary batch purge failed", error, { job: JOB, batchId: batch.id, organizationId: batch.organizationId });
    }
  }
  logEvent("info", "beneficiary batches purged", { job: JOB, purged: due.length - failed, failed });
  if (failed) throw new Error(`${failed} batch purge(s) failed`);
  return due.length;
}

export const batchPurge = defineJob({ name: JOB, schedule: "17 * * * *", run: () => purgeExpiredBatches().then(() => undefined) });
