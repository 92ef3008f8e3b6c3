import { GENESIS_HASH, entryHash, type HashedFields } from "./canonical";

/** One stored entry as the verifier needs it: the hashed fields plus the stored links. */
export type ChainRow = HashedFields & { id: string; prevHash: string; hash: string };

/** Where the next batch starts: after this entry in (seq, id) order; null for the first batch. */
export type ChainPosition = { seq: bigint; id: string } | null;

/**
 * Reads up to `limit` entries of one chain after `position`, ordered by
 * (seq, id). Keyset batches, so memory stays constant however long the
 * chain; ordering by id as well means a duplicated seq is read, not skipped.
 */
export type ChainReader = (position: ChainPosition, limit: number) => Promise<ChainRow[]>;

export type ChainVerdict =
  | { ok: true; checked: number; head: { seq: bigint; hash: string } | null }
  | { ok: false; checked: number; brokenAt: bigint; problem: string; expected: string; found: string };

export const VERIFY_BATCH = 5_000;

/**
 * Walks one chain from its first entry and names the first entry that does
 * not follow from the ones before it: a missing, extra or reordered entry
 * (seq not the next one), a broken link (prev_hash not the previous entry's
 * hash) or edited content (hash not sha256(prev_hash ‖ canonical entry)).
 * The next batch is read while the current one is hashed.
 */
export async function verifyChain(read: ChainReader, batchSize = VERIFY_BATCH): Promise<ChainVerdict> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let pending = read(null, batchSize);
  for (;;) {
    const rows = await pending;
    if (rows.length === batchSize) {
      const last = rows[rows.length - 1];
      pending = read({ seq: last.seq, id: last.id }, batchSize);
    }
    for (const row of rows) {
      const broken = (problem: string, expected: string, found: string): ChainVerdict => ({
        ok: false,
        checked,
        brokenAt: expectedSeq,
        problem,
        expected,
        found,
      });
      if (row.seq !== expectedSeq) {
        // Swallow the read-ahead's outcome: the verdict is already decided.
        pending.catch(() => undefined);
        return broken(row.seq > expectedSeq ? "entry missing" : "entry out of order or duplicated", `seq ${expectedSeq}`, `seq ${row.seq}`);
      }
      if (row.prevHash !== prevHash) {
        pending.catch(() => undefined);
        return broken("prev_hash does not link to the previous entry", prevHash, row.prevHash);
      }
      const recomputed = entryHash(prevHash, row);
      if (recomputed !== row.hash) {
        pending.catch(() => undefined);
        return broken("content does not match its hash", recomputed, row.hash);
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < batchSize) {
      return { ok: true, checked, head: checked ? { seq: expectedSeq - 1n, hash: prevHash } : null };
    }
  }
}

/** The verdict in one line, as the CLI and the audit page show it. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) return verdict.head ? `intact through #${verdict.head.seq}` : "empty";
  return `broken at #${verdict.brokenAt}: ${verdict.problem} (expected ${verdict.expected}, found ${verdict.found})`;
}
