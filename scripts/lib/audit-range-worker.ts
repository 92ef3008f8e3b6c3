/**
 * One seq range of an audit chain, verified in a worker thread on its own
 * connection (scripts/lib/audit-chains.ts starts it and joins the verdicts).
 */
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { verifyRange } from "../../lib/audit/verify";
import { seqProbe, seqWindowReader, type RangeJob } from "./audit-chains";

async function run(job: RangeJob) {
  const client = new pg.Client({ connectionString: job.connectionString });
  await client.connect();
  try {
    const verdict = await verifyRange(seqWindowReader(client, job.organizationId), seqProbe(client, job.organizationId), job.range, {
      keys: job.keys,
      checkpoint: job.checkpoint,
    });
    parentPort!.postMessage({ verdict });
  } finally {
    await client.end();
  }
}

run(workerData as RangeJob).catch((error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }));
