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
const LOWEST_SEQ = -(2n ** 63n);

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
      const problem = entryProblem(row, expectedSeq, prevHash, options);
      if (problem) return broken(...problem);
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

type Problem = [problem: string, expected: string, found: string];

/**
 * What is wrong with one entry where the chain expects `expectedSeq` after
 * `prevHash` (null: take its prev_hash as given), in the order the checks
 * are reported: seq, link, key id, HMAC, checkpoint. Null when it follows.
 */
function entryProblem(row: ChainRow, expectedSeq: bigint, prevHash: string | null, options: VerifyOptions): Problem | null {
  if (row.seq !== expectedSeq) {
    return [row.seq > expectedSeq ? "entry missing" : "entry out of order or duplicated", `seq ${expectedSeq}`, `seq ${row.seq}`];
  }
  if (prevHash !== null && row.prevHash !== prevHash) return ["prev_hash does not link to the previous entry", prevHash, row.prevHash];
  let recomputed: string;
  if (row.keyId === null) {
    if (!options.acceptUnkeyed) return ["entry has no audit key id (not written under the audit key)", "a key id", "none"];
    recomputed = legacyEntryHash(row.prevHash, row);
  } else {
    const key = options.keys.get(row.keyId);
    if (!key) return ["entry is under an audit key not in AUDIT_KEYS", [...options.keys.keys()].join(", "), row.keyId];
    recomputed = entryHash(key, row.prevHash, row);
  }
  if (recomputed !== row.hash) return ["content does not match its hash", recomputed, row.hash];
  for (const head of [options.from, options.checkpoint]) {
    if (head && head.seq === row.seq && head.hash !== row.hash) return ["entry differs from the signed checkpoint", head.hash, row.hash];
  }
  return null;
}

/**
 * Reads the entries with lo <= seq < hi in seq order, at most `limit`
 * of them: a window of seq values rather than a keyset page, so no id is
 * read and a duplicated seq is still read (a window of n seqs holding more
 * than n rows shows its first duplicate within the first n + 1).
 */
export type SeqWindowReader = (lo: bigint, hi: bigint, limit: number) => Promise<ChainRow[]>;

/** The lowest seq at or after `seq`: the far side of a gap, or an entry appended since the range was read. */
export type SeqProbe = (seq: bigint) => Promise<bigint | null>;

/** One seq range of a chain: [lo, hi] (hi null: to the chain's end, including entries appended meanwhile). */
export type SeqRange = { lo: bigint; hi: bigint | null };

export type RangeVerdict =
  | { ok: true; checked: number; firstPrevHash: string | null; last: ChainHead | null }
  | { ok: false; checked: number; firstPrevHash: string | null; brokenAt: bigint; problem: string; expected: string; found: string };

/**
 * Verifies one seq range on its own: every entry's seq, its link to the one
 * before it inside the range, its key id and HMAC, and the checkpoint if it
 * falls in the range. The first entry's prev_hash is taken as given and
 * returned, for joinRanges to hold against the range before. Reads windows
 * of `batchSize` seqs, the next while the current one is hashed.
 */
export async function verifyRange(read: SeqWindowReader, probe: SeqProbe, range: SeqRange, options: VerifyOptions): Promise<RangeVerdict> {
  const width = BigInt(options.batchSize ?? VERIFY_BATCH);
  const limit = Number(width) + 1;
  const end = (lo: bigint) => (range.hi !== null && lo + width > range.hi + 1n ? range.hi + 1n : lo + width);
  let expectedSeq = range.lo;
  let prevHash: string | null = null;
  let firstPrevHash: string | null = null;
  let checked = 0;
  let window = { lo: range.lo, hi: end(range.lo) };
  // A whole chain's first window has no lower bound, so an entry numbered below 1 is read and reported.
  let pending = read(range.lo === 1n && !options.from ? LOWEST_SEQ : window.lo, window.hi, limit);
  const broken = (problem: string, expected: string, found: string): RangeVerdict => {
    pending.catch(() => undefined);
    return { ok: false, checked, firstPrevHash, brokenAt: expectedSeq, problem, expected, found };
  };
  for (;;) {
    const rows = await pending;
    const whole = rows.length === Number(width) && window.hi - window.lo === width;
    if (whole && (range.hi === null || window.hi <= range.hi)) {
      window = { lo: window.hi, hi: end(window.hi) };
      pending = read(window.lo, window.hi, limit);
    }
    for (const row of rows) {
      // Recorded before the checks, so a break at the range's first entry is reported as a broken link when it is one.
      if (checked === 0 && row.seq === expectedSeq) firstPrevHash = row.prevHash;
      const problem = entryProblem(row, expectedSeq, prevHash, options);
      if (problem) return broken(...problem);
      prevHash = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (range.hi !== null && expectedSeq > range.hi) return { ok: true, checked, firstPrevHash, last: { seq: range.hi, hash: prevHash! } };
    if (whole) continue;
    // The window ended early: the range (or the chain) ends here, unless an entry lies beyond a gap or was appended meanwhile.
    const next = await probe(expectedSeq);
    if (next === expectedSeq && range.hi === null) {
      window = { lo: expectedSeq, hi: expectedSeq + width };
      pending = read(window.lo, window.hi, limit);
      continue;
    }
    if (next !== null && (range.hi === null || next <= range.hi || expectedSeq <= range.hi)) return broken("entry missing", `seq ${expectedSeq}`, `seq ${next}`);
    if (range.hi !== null) return broken("entry missing", `seq ${expectedSeq}`, "no entries after it");
    return { ok: true, checked, firstPrevHash, last: checked ? { seq: expectedSeq - 1n, hash: prevHash! } : null };
  }
}

/**
 * A chain from its ranges, verified apart, in seq order: neighbouring ranges
 * must meet at one hash (the later's first prev_hash is the earlier's last
 * hash, the first range's is the genesis hash or the trusted `from` head's
 * prev link taken as given), and the chain must reach its checkpoint. The
 * first problem in seq order is the verdict, as verifyChain would give it.
 */
export function joinRanges(verdicts: RangeVerdict[], options: Pick<VerifyOptions, "checkpoint" | "from">): ChainVerdict {
  let checked = 0;
  let head: ChainHead | null = null;
  for (const [i, verdict] of verdicts.entries()) {
    const linkTo = i === 0 ? (options.from ? null : GENESIS_HASH) : head?.hash;
    if (linkTo && verdict.firstPrevHash !== null && verdict.firstPrevHash !== linkTo) {
      const at = head ? head.seq + 1n : 1n;
      return { ok: false, checked, brokenAt: at, problem: "prev_hash does not link to the previous entry", expected: linkTo, found: verdict.firstPrevHash };
    }
    if (!verdict.ok) {
      const { brokenAt, problem, expected, found } = verdict;
      return { ok: false, checked: checked + verdict.checked, brokenAt, problem, expected, found };
    }
    checked += verdict.checked;
    head = verdict.last ?? head;
  }
  for (const reach of [options.from, options.checkpoint]) {
    if (reach && (head?.seq ?? 0n) < reach.seq) {
      return { ok: false, checked, brokenAt: (head?.seq ?? 0n) + 1n, problem: "chain ends before its signed checkpoint: entries were cut", expected: `seq ${reach.seq}`, found: head ? `last seq ${head.seq}` : "no entries" };
    }
  }
  return { ok: true, checked, head };
}

/** The verdict in one line, as the CLI and the audit page show it. */
export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) return verdict.head ? `intact through #${verdict.head.seq}` : "empty";
  return `broken at #${verdict.brokenAt}: ${verdict.problem} (expected ${verdict.expected}, found ${verdict.found})`;
}
