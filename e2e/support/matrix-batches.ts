import { ROLES } from "../../lib/authz/capabilities";
import { beneficiaryFile } from "../../prisma/seed-batches";
import { rawRequest } from "./app";
import type { ActionCall } from "./server-actions";
import type { Check } from "./matrix";

/**
 * The batch side of the isolation matrix. Processing or discarding a batch
 * changes it for good, so each role's "own" call gets a fresh batch awaiting
 * review, uploaded beforehand at the location admin's location (in the reach
 * of everyone who may manage batches) through the upload route.
 */
export type BatchPools = { process: string[]; discard: string[] };

let pools: BatchPools | null = null;
let prefix = 60000 + Math.floor(Math.random() * 9000);

async function uploadOne(host: string, cookie: string, locationId: string): Promise<string> {
  const body = Buffer.from(beneficiaryFile(2, { prefix: prefix++ }).csv);
  const answer = await rawRequest({
    host,
    path: `/batches/upload?location=${locationId}`,
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "sec-fetch-site": "same-origin", "content-type": "application/octet-stream", "content-length": String(body.length), "x-file-name": "matrix.csv" },
    body,
  });
  if (answer.status !== 201) throw new Error(`arranging batches: upload answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}

export async function arrangeMatrixBatches(host: string, locationAdminCookie: string, locationId: string): Promise<BatchPools> {
  const arranged: BatchPools = { process: [], discard: [] };
  for (let i = 0; i < ROLES.length; i++) {
    arranged.process.push(await uploadOne(host, locationAdminCookie, locationId));
    arranged.discard.push(await uploadOne(host, locationAdminCookie, locationId));
  }
  pools = arranged;
  return arranged;
}

function arrangedPools(): BatchPools {
  if (!pools) throw new Error("the matrix's batches are not arranged (arrangeMatrixBatches)");
  return pools;
}

const own = (check: Check, pick: (p: BatchPools) => string[]) => (check.case === "own" ? pick(arrangedPools())[ROLES.indexOf(check.role)]! : check.target!.id);

export const BATCH_CALLS: Record<string, (check: Check) => ActionCall> = {
  processBatchAction: (c) => ({ fields: { id: own(c, (p) => p.process) } }),
  discardBatchAction: (c) => ({ fields: { id: own(c, (p) => p.discard) } }),
  // The seeded settings, saved again: the owner's allowed call changes nothing but is audited.
  setRetentionAction: () => ({ fields: { piiRetentionDays: "7" } }),
};
