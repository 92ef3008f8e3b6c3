import type { KeyObject } from "node:crypto";
import { GENESIS_HASH, entryHash, legacyEntryHash, type HashedFields } from "./canonical";

/** One stored entry as the verifier needs it: the hashed fields plus the stored links and key id. */
export type ChainRow = HashedFields & { id: string; prevHash: string; hash: string; keyId: string | null };

/** Where the next batch starts: after this entry in (seq, id) order; null for the first batch. */
export type ChainPosition = { seq: bigint; id: string } | null;

/**
 * Reads up to `limit` entries of one chain after `position`, ordered by
 * (seq, id). Keyset batches, so memory stays constant however long the
 * chain; ordering by id as well means a duplicated seq is read, not skipped.
 */
export type ChainReader = (position: ChainPosition, limit: number) => Promise<ChainRow[]>;

export type ChainHead = { seq: bigint; hash: string };

export type ChainVerdict =
  | { ok: true; checked: number; head: ChainHead | null }
  | { ok: false; checked: number; brokenAt: bigint; problem: string; expected: string; found: string };

export type VerifyOptions = {
  /** The audit keys by id (AUDIT_KEYS): each entry must verify under the key it names. */
  keys: ReadonlyMap<string, KeyObject>;
  batchSize?: number;
  /**
   * A head seen before, outside the database (a signed checkpoint): the
   * entry at its seq must carry its hash, and the chain must reach it.
   */
  checkpoint?: ChainHead;
  /**
   * Start at this trusted head instead of the first entry (the checkpoint job
   * extends a checkpoint over the entries after it): the entry at its seq must
   * carry its hash, and only it and the entries after it are read.
   */
  from?: ChainHead;
  /** Accept entries without a key id under the old unkeyed SHA-256: only to check a chain before re-keying it. */
  acceptUnkeyed?: boolean;
};

export const VERIFY_BATCH = 5_000;
const LAST_UUID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/**
 * Walks one chain and names the first entry that does not follow from the
 * ones before it: a missing, extra or reordered entry (seq not the next one),
 * a broken link (prev_hash not the previous entry's hash), an entry without a
 * key id or under a key not in the keyring, edited content (hash not the HMAC
 * of prev_hash ‖ canonical entry under its key), an entry that differs from
 * the checkpoint at its seq, or a chain that ends before its checkpoint. The
 * next batch is read while the current one is hashed.
 */
export async function verifyChain(read: ChainReader, options: VerifyOptions): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? VERIFY_BATCH;
  const { from, checkpoint } = options;
  let expectedSeq = from?.seq ?? 1n;
  // Starting at a trusted head, its own entry is checked against it and its stored prev_hash taken as given.
  let prevHash: string | null = from ? null : GENESIS_HASH;
  let checked = 0;
  let pending = read(from ? { seq: from.seq - 1n, id: LAST_UUID } : null, batchSize);
  const broken = (problem: string, expected: string, found: string): ChainVerdict => {
    // Swallow the read-ahead's outcome: the verdict is already decided.
    pending.catch(() => undefined);
    return { ok: false, checked, brokenAt: expectedSeq, problem, expected, found };
  };
  for (;;) {
    const rows = await pending;
    if (rows.length === batchSize) {
      const last = rows[rows.length - 1];
      pending = read({ seq: last.seq, id: last.id }, batchSize);
    }
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return broken(row.seq > expectedSeq ? "entry missing" : "entry out of order or duplicated", `seq ${expectedSeq}`, `seq ${row.seq}`);
      }
      if (prevHash !== null && row.prevHash !== prevHash) return broken("prev_hash does not link to the previous entry", prevHash, row.prevHash);
      let recomputed: string;
      if (row.keyId === null) {
        if (!options.acceptUnkeyed) return broken("entry has no audit key id (not written under the audit key)", "a key id", "none");
        recomputed = legacyEntryHash(row.prevHash, row);
      } else {
        const key = options.keys.get(row.keyId);
        if (!key) return broken("entry is under an audit key not in AUDIT_KEYS", [...options.keys.keys()].join(", "), row.keyId);
        recomputed = entryHash(key, row.prevHash, row);
      }
      if (recomputed !== row.hash) return broken("content does not match its hash", recomputed, row.hash);
      for (const head of [from, checkpoint]) {
        if (head && head.seq === row.seq && head.hash !== row.hash) return broken("entry differs from the signed checkpoint", head.hash, row.hash);
      }
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < batchSize) {
      const head = checked ? { seq: expectedSeq - 1n, hash: prevHash! } : null;
      for (const reach of [from, checkpoint]) {
        if (reach && (head?.seq ?? 0n) < reach.seq) {
          return broken("chain ends before its signed checkpoint: entries were cut", `seq ${reach.seq}`, head ? `last seq ${head.seq}` : "no entries");
        }
      }
      return { ok: true, checked, head };
    }
  }
}

/** The verdict in one line, as the CLI and the audit page show it. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) return verdict.head ? `intact through #${verdict.head.seq}` : "empty";
  return `broken at #${verdict.brokenAt}: ${verdict.problem} (expected ${verdict.expected}, found ${verdict.found})`;
}
