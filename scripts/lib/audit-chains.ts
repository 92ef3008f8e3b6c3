/**
 * The audit chains read straight from PostgreSQL for `npm run audit:verify`
 * and the benchmark: every chain at once, so through a role that sees them all
 * (platform or owner), outside any tenant transaction.
 */
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { CHECKPOINT_PREFIX, chainOf, latestCheckpoint } from "../../lib/audit/checkpoints";
import {
  describeVerdict,
  joinRanges,
  verifyRange,
  type ChainHead,
  type ChainReader,
  type ChainRow,
  type ChainVerdict,
  type RangeVerdict,
  type SeqProbe,
  type SeqRange,
  type SeqWindowReader,
} from "../../lib/audit/verify";
import type { ObjectStore } from "../../lib/storage";

type Row = {
  id: string;
  organization_id: string | null;
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  ip: string | null;
  action: string;
  summary: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
  key_id: string | null;
};

const toChainRow = (r: Row): ChainRow => ({
  id: r.id,
  organizationId: r.organization_id,
  seq: BigInt(r.seq),
  at: r.at,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  ip: r.ip,
  action: r.action,
  summary: r.summary,
  targetType: r.target_type,
  targetId: r.target_id,
  before: r.before,
  after: r.after,
  prevHash: r.prev_hash,
  hash: r.hash,
  keyId: r.key_id,
});

/**
 * One chain's entries in (seq, id) order after a position. Written so the
 * (organization_id, seq) index serves every batch: `=` (or IS NULL for the
 * platform chain), never IS NOT DISTINCT FROM, which no index can answer; seq
 * bounds the scan and id only breaks ties. ORDER BY names the table's
 * columns: the output's `seq` is text and would sort "10" before "2".
 */
export function chainReader(client: pg.ClientBase, organizationId: string | null): ChainReader {
  const chain = organizationId === null ? "organization_id IS NULL AND $1::uuid IS NULL" : "organization_id = $1::uuid";
  return async (after, limit) => {
    const { rows } = await client.query<Row>(
      `SELECT id, organization_id, seq::text AS seq, at, actor_id, actor_label, ip, action, summary, target_type, target_id,
              before, after, prev_hash, hash, key_id
         FROM audit_entry
        WHERE ${chain} AND audit_entry.seq >= $2::bigint AND (audit_entry.seq > $2::bigint OR audit_entry.id > $3::uuid)
        ORDER BY audit_entry.seq, audit_entry.id
        LIMIT $4`,
      [organizationId, after ? after.seq.toString() : "0", after?.id ?? "00000000-0000-0000-0000-000000000000", limit],
    );
    return rows.map(toChainRow);
  };
}

const chainWhere = (organizationId: string | null) => (organizationId === null ? "organization_id IS NULL AND $1::uuid IS NULL" : "organization_id = $1::uuid");

/**
 * One chain's entries in a window of seq values, read with COPY: one text
 * stream per window instead of a protocol message and a decoded value per
 * field, and only what the hash needs — no id (nor a sort by it: a window
 * reads a duplicated seq whatever order its copies come in, and the seq
 * check reports it), no organisation (the chain's own, by the WHERE), `at` as
 * epoch milliseconds (the column holds milliseconds). COPY takes no
 * parameters, so the values written into it are a checked uuid and bigints.
 */
export function seqWindowReader(client: pg.ClientBase, organizationId: string | null): SeqWindowReader {
  if (organizationId !== null && !UUID.test(organizationId)) throw new Error(`not an organisation id: ${organizationId}`);
  const chain = organizationId === null ? "organization_id IS NULL" : `organization_id = '${organizationId}'`;
  return async (lo, hi, limit) => {
    const sql = `COPY (SELECT seq, (extract(epoch FROM at) * 1000)::bigint, actor_id, actor_label, ip, action, summary, target_type, target_id,
                              before, after, prev_hash, hash, key_id
                         FROM audit_entry
                        WHERE ${chain} AND seq >= ${BigInt(lo)} AND seq < ${BigInt(hi)}
                        ORDER BY seq
                        LIMIT ${Number(limit)}) TO STDOUT`;
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const rows: ChainRow[] = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      const f = line.split("\t").map(copyField);
      rows.push({
        id: "",
        organizationId,
        seq: BigInt(f[0]!),
        at: new Date(Number(f[1])),
        actorId: f[2],
        actorLabel: f[3]!,
        ip: f[4],
        action: f[5]!,
        summary: f[6]!,
        targetType: f[7],
        targetId: f[8],
        before: f[9] === null ? null : JSON.parse(f[9]),
        after: f[10] === null ? null : JSON.parse(f[10]),
        prevHash: f[11]!,
        hash: f[12]!,
        keyId: f[13],
      });
    }
    return rows;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COPY_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A field of COPY's text format: \N is NULL; backslash escapes the control characters and itself. */
function copyField(field: string): string | null {
  if (field === "\\N") return null;
  if (!field.includes("\\")) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

export function seqProbe(client: pg.ClientBase, organizationId: string | null): SeqProbe {
  const chain = chainWhere(organizationId);
  return async (seq) => {
    const { rows } = await client.query<{ seq: string }>(
      `SELECT seq::text AS seq FROM audit_entry WHERE ${chain} AND audit_entry.seq >= $2::bigint ORDER BY audit_entry.seq LIMIT 1`,
      [organizationId, seq.toString()],
    );
    return rows.length ? BigInt(rows[0].seq) : null;
  };
}

/** What a range worker (audit-range-worker.ts) is given. */
export type RangeJob = {
  connectionString: string;
  organizationId: string | null;
  range: SeqRange;
  keys: ReadonlyMap<string, KeyObject>;
  checkpoint?: ChainHead;
};

export type Parallelism = {
  /** How many seq ranges a long chain is split into, each verified in its own thread on its own connection (default: the cores). */
  ranges?: number;
  /** A chain is split only when every range would hold at least this many entries (default 100,000): a thread costs a few hundred ms to start. */
  minRangeEntries?: number;
};

const workerFile = fileURLToPath(new URL("./audit-range-worker.ts", import.meta.url));
/** tsx's ESM API (its package's "./esm/api" import entry): workers load TypeScript through it, whatever ran this process (tsx, vitest). */
function tsxApi(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const { exports } = JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports["./esm/api"].import.default)).href;
}

function inWorker(job: RangeJob): Promise<RangeVerdict> {
  const boot = `import(${JSON.stringify(tsxApi())}).then(({ tsImport }) => tsImport(${JSON.stringify(workerFile)}, ${JSON.stringify(import.meta.url)}))`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once("message", (message: { verdict: RangeVerdict } | { error: string }) => {
      void worker.terminate();
      if ("verdict" in message) resolve(message.verdict);
      else reject(new Error(message.error));
    });
    worker.once("error", reject);
  });
}

/**
 * Verifies one chain: split into seq ranges checked in parallel when it is
 * long (each range its own links and HMACs; neighbouring ranges must meet at
 * one hash), else in this thread; either way streamed in windows, so memory
 * stays constant however long the chain.
 */
export async function verifyChainBySeq(
  client: pg.ClientBase,
  connectionString: string,
  organizationId: string | null,
  options: { keys: ReadonlyMap<string, KeyObject>; checkpoint?: ChainHead } & Parallelism,
): Promise<ChainVerdict> {
  const { rows } = await client.query<{ max: string | null }>(`SELECT max(seq)::text AS max FROM audit_entry WHERE ${chainWhere(organizationId)}`, [organizationId]);
  const last = BigInt(rows[0].max ?? "0");
  const wanted = options.ranges ?? os.availableParallelism();
  const count = BigInt(Math.max(1, Math.min(wanted, Number(last / BigInt(options.minRangeEntries ?? 100_000)))));
  const { keys, checkpoint } = options;
  if (count === 1n) {
    const range = { lo: 1n, hi: null };
    return joinRanges([await verifyRange(seqWindowReader(client, organizationId), seqProbe(client, organizationId), range, { keys, checkpoint })], { checkpoint });
  }
  const size = (last + count - 1n) / count;
  const ranges = Array.from({ length: Number(count) }, (_, k): SeqRange => ({ lo: 1n + BigInt(k) * size, hi: BigInt(k) === count - 1n ? null : BigInt(k + 1) * size }));
  const verdicts = await Promise.all(ranges.map((range) => inWorker({ connectionString, organizationId, range, keys, checkpoint })));
  return joinRanges(verdicts, { checkpoint });
}

export type ChainReport = { chain: string; ok: boolean; line: string };

export type VerifyChainsOptions = {
  /** The audit keys by id (AUDIT_KEYS). */
  keys: ReadonlyMap<string, KeyObject>;
  /**
   * Where the signed checkpoints are, and the public keys they verify under.
   * Left out for a restored backup, which may rightly end before the live
   * chain's checkpoints: the restore drill holds it to its manifest's heads.
   */
  checkpoints?: { store: ObjectStore; verifyKeys: ReadonlyMap<string, KeyObject> };
  slug?: string;
} & Parallelism;

/**
 * Chains the object store holds signed checkpoints for whose organisation is
 * no longer in the database: the whole organisation deleted, its chain with
 * it, which walking the organisations that remain cannot see. An organisation
 * created while verifying (and checkpointed since) is looked up again before
 * it is reported.
 */
async function deletedChains(client: pg.Client, checkpoints: NonNullable<VerifyChainsOptions["checkpoints"]>, verified: Set<string>): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const chain of await checkpoints.store.folders(`${CHECKPOINT_PREFIX}/`)) {
    if (verified.has(chain) || !UUID.test(chain)) continue;
    if ((await client.query("SELECT 1 FROM organization WHERE id = $1", [chain])).rowCount) continue;
    const { checkpoint, invalid } = await latestCheckpoint(checkpoints.store, chain, checkpoints.verifyKeys);
    for (const bad of invalid) reports.push({ chain, ok: false, line: `${chain}: checkpoint ${bad.objectKey} does not verify: ${bad.problem}` });
    if (checkpoint) {
      reports.push({
        chain,
        ok: false,
        line: `${chain}: deleted — checkpoint #${checkpoint.seq} of ${checkpoint.at.toISOString()} signs this organisation's chain, but no organisation ${chain} is in the database`,
      });
    }
  }
  return reports;
}

/**
 * Verifies the chains of `slug` (or all of them, the platform's first), each
 * against its latest checkpoint whose signature verifies, and reports one line
 * per chain plus one per newer checkpoint that does not verify; verifying all
 * of them also reports every checkpointed chain whose organisation is gone.
 */
export async function verifyChains(connectionString: string, options: VerifyChainsOptions): Promise<ChainReport[]> {
  const { slug, keys, checkpoints, ...parallelism } = options;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const orgs = await client.query<{ id: string; slug: string }>(
      slug ? "SELECT id, slug FROM organization WHERE slug = $1" : "SELECT id, slug FROM organization ORDER BY slug",
      slug ? [slug] : [],
    );
    if (slug && orgs.rowCount === 0) throw new Error(`no organisation with slug ${slug}`);
    const chains: [string, string | null][] = [...(slug ? [] : [["platform", null] as [string, null]]), ...orgs.rows.map((o) => [o.slug, o.id] as [string, string])];
    const reports: ChainReport[] = [];
    for (const [name, organizationId] of chains) {
      const started = performance.now();
      const { checkpoint, invalid } = checkpoints
        ? await latestCheckpoint(checkpoints.store, chainOf(organizationId), checkpoints.verifyKeys)
        : { checkpoint: null, invalid: [] };
      for (const bad of invalid) reports.push({ chain: name, ok: false, line: `${name}: checkpoint ${bad.objectKey} does not verify: ${bad.problem}` });
      const verdict = await verifyChainBySeq(client, connectionString, organizationId, { keys, checkpoint: checkpoint ?? undefined, ...parallelism });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const head = verdict.ok && verdict.head ? `, head ${verdict.head.hash}` : "";
      const against = !checkpoints ? "" : checkpoint ? `; checkpoint #${checkpoint.seq} of ${checkpoint.at.toISOString()}` : "; no checkpoint yet";
      reports.push({
        chain: name,
        ok: verdict.ok,
        line: `${name}: ${describeVerdict(verdict)} — ${verdict.checked} entries checked in ${seconds} s${head}${against}`,
      });
    }
    if (!slug && checkpoints) reports.push(...(await deletedChains(client, checkpoints, new Set(chains.map(([, id]) => chainOf(id))))));
    return reports;
  } finally {
    await client.end();
  }
}
