/**
 * The audit chains read straight from PostgreSQL for `npm run audit:verify`
 * and the benchmark: every chain at once, so through a role that sees them all
 * (platform or owner), outside any tenant transaction.
 */
import type { KeyObject } from "node:crypto";
import pg from "pg";
import { chainOf, latestCheckpoint } from "../../lib/audit/checkpoints";
import { describeVerdict, verifyChain, type ChainReader, type ChainRow } from "../../lib/audit/verify";
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
};

/**
 * Verifies the chains of `slug` (or all of them, the platform's first), each
 * against its latest checkpoint whose signature verifies, and reports one line
 * per chain plus one per newer checkpoint that does not verify.
 */
export async function verifyChains(connectionString: string, options: VerifyChainsOptions): Promise<ChainReport[]> {
  const { slug, keys, checkpoints } = options;
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
      const verdict = await verifyChain(chainReader(client, organizationId), { keys, checkpoint: checkpoint ?? undefined });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const head = verdict.ok && verdict.head ? `, head ${verdict.head.hash}` : "";
      const against = !checkpoints ? "" : checkpoint ? `; checkpoint #${checkpoint.seq} of ${checkpoint.at.toISOString()}` : "; no checkpoint yet";
      reports.push({
        chain: name,
        ok: verdict.ok,
        line: `${name}: ${describeVerdict(verdict)} — ${verdict.checked} entries checked in ${seconds} s${head}${against}`,
      });
    }
    return reports;
  } finally {
    await client.end();
  }
}
