import { chainOf, checkpointObjectKey, latestCheckpoint, signCheckpoint } from "../audit/checkpoints";
import { describeVerdict, verifyChain, type ChainReader } from "../audit/verify";
import { AUDIT_ROW_SELECT } from "../db/audit-chain";
import { withPlatform } from "../db/platform";
import { env } from "../env";
import { logEvent } from "../log";
import { ObjectExistsError, objectStore, type ObjectStore } from "../storage";
import { defineJob } from "./registry";

/**
 * Every minute (and on demand: `npm run audit:checkpoint`), a signed
 * checkpoint of each chain whose head has moved: the platform's and each
 * organisation's. Before signing, the entries since the chain's latest
 * checkpoint are verified from it (so a run costs the new entries, not the
 * whole chain): a chain that no longer passes through its checkpoint, or
 * whose new entries do not verify, gets no checkpoint and a log line, so a
 * rewrite is never signed. Objects are created, never replaced.
 */
export type CheckpointSummary = { written: number; unchanged: number; empty: number; refused: number };

const READ_BATCH = 2_000;


function chainReader(organizationId: string | null): ChainReader {
  return (after, limit) =>
    withPlatform((tx) =>
      tx.auditEntry.findMany({
        // seq bounds the index scan; id only breaks ties.
        where: { organizationId, ...(after ? { seq: { gte: after.seq }, OR: [{ seq: { gt: after.seq } }, { id: { gt: after.id } }] } : {}) },
        orderBy: [{ seq: "asc" }, { id: "asc" }],
        take: limit,
        select: AUDIT_ROW_SELECT,
      }),
    );
}

export async function checkpointAuditChains(options: { store?: ObjectStore; now?: Date } = {}): Promise<CheckpointSummary> {
  const store = options.store ?? objectStore();
  const { auditKeys, checkpointSigner, checkpointVerifyKeys } = env();
  const heads = await withPlatform(async (tx) => {
    const organizations = await tx.organization.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
    const found = [];
    // One indexed look-up per chain on (organization_id, seq): no scan of the whole trail.
    for (const organizationId of [null, ...organizations.map((o) => o.id)]) {
      const head = await tx.auditEntry.findFirst({ where: { organizationId }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
      found.push({ organizationId, head });
    }
    return found;
  });
  const summary: CheckpointSummary = { written: 0, unchanged: 0, empty: 0, refused: 0 };
  for (const { organizationId, head } of heads) {
    const chain = chainOf(organizationId);
    if (!head) {
      summary.empty += 1;
      continue;
    }
    const { checkpoint } = await latestCheckpoint(store, chain, checkpointVerifyKeys);
    if (checkpoint && checkpoint.seq === head.seq && checkpoint.hash === head.hash) {
      summary.unchanged += 1;
      continue;
    }
    const verdict = await verifyChain(chainReader(organizationId), { keys: auditKeys.keys, from: checkpoint ?? undefined, batchSize: READ_BATCH });
    if (!verdict.ok || !verdict.head) {
      logEvent("error", "audit.checkpoint.refused", { chain, checkpoint: checkpoint?.objectKey ?? null, verdict: describeVerdict(verdict) });
      summary.refused += 1;
      continue;
    }
    const at = options.now ?? new Date();
    const jws = await signCheckpoint(checkpointSigner, { chain, ...verdict.head, at });
    try {
      await store.create(checkpointObjectKey(chain, verdict.head.seq), Buffer.from(jws));
      summary.written += 1;
    } catch (error) {
      // Another run signed this head first: its object stands.
      if (!(error instanceof ObjectExistsError)) throw error;
      summary.unchanged += 1;
    }
  }
  if (summary.written || summary.refused) logEvent(summary.refused ? "error" : "info", "audit.checkpoint", summary);
  return summary;
}

export const auditCheckpoints = defineJob({
  name: "audit.checkpoint",
  schedule: "* * * * *",
  run: async () => {
    await checkpointAuditChains();
  },
  // One run at a time; a failed run is not retried, the next minute's is the retry.
  options: { policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
});
