/**
 * The switch to a keyed audit chain, run by `npm run migrate` after the SQL
 * migrations: every chain that still holds entries without a key id (written
 * before the chain was keyed, as plain SHA-256) is first verified as it stands
 * — a chain that does not verify is left as it is and reported, never
 * laundered — then re-hashed under the current audit key from its first
 * unkeyed entry on, and closed with one `audit.rekey` entry recording the old
 * and the new head. Nothing to do (the usual case) costs one look-up in a
 * partial index and needs no key.
 *
 * One transaction as the table owner with the rewrite switch on. It takes the
 * table out of FORCE ROW LEVEL SECURITY for its own duration (the owner need
 * not bypass RLS to reach the platform chain), which locks the table: appends
 * wait for the switch rather than interleave with it.
 */
import type { KeyObject } from "node:crypto";
import pg from "pg";
import { GENESIS_HASH, entryHash } from "../../lib/audit/canonical";
import { describeVerdict, verifyChain, type ChainHead } from "../../lib/audit/verify";
import type { AuditKeyring } from "../../lib/crypto/keyring";
import { chainReader } from "./audit-chains";

export type RekeyReport =
  | { chain: string; ok: true; oldHead: ChainHead; newHead: ChainHead; rehashed: number; switchSeq: bigint }
  | { chain: string; ok: false; problem: string };

const BATCH = 2_000;
export const REKEY_ACTOR = "npm run migrate";

export async function rekeyAuditChains(ownerUrl: string, auditKeys: () => AuditKeyring): Promise<RekeyReport[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const pendingChains = await client.query<{ organization_id: string | null; slug: string | null }>(
      `SELECT u.organization_id, o.slug FROM (SELECT DISTINCT organization_id FROM audit_entry WHERE key_id IS NULL) u
         LEFT JOIN organization o ON o.id = u.organization_id ORDER BY o.slug NULLS FIRST`,
    );
    if (pendingChains.rowCount === 0) return [];
    const keyring = auditKeys();
    const key = keyring.keys.get(keyring.currentKeyId)!;
    const reports: RekeyReport[] = [];
    await client.query("BEGIN");
    try {
      await client.query("SET LOCAL harambee.allow_audit_rewrite = 'on'");
      await client.query('ALTER TABLE "audit_entry" NO FORCE ROW LEVEL SECURITY');
      for (const { organization_id: organizationId, slug } of pendingChains.rows) {
        const chain = slug ?? (organizationId ? organizationId : "platform");
        const verdict = await verifyChain(chainReader(client, organizationId), { keys: keyring.keys, acceptUnkeyed: true });
        if (!verdict.ok || !verdict.head) {
          reports.push({ chain, ok: false, problem: describeVerdict(verdict) });
          continue;
        }
        const rehashed = await rehash(client, organizationId, keyring.currentKeyId, key);
        const newHead = rehashed.head;
        const switchEntry = {
          organizationId,
          seq: newHead.seq + 1n,
          at: new Date(),
          actorId: null,
          actorLabel: REKEY_ACTOR,
          ip: null,
          action: "audit.rekey",
          summary: `Audit chain keyed: entries from #${rehashed.from} re-hashed under audit key "${keyring.currentKeyId}"`,
          targetType: "AuditChain",
          targetId: null,
          before: { head: { seq: verdict.head.seq.toString(), hash: verdict.head.hash } },
          after: { head: { seq: newHead.seq.toString(), hash: newHead.hash }, keyId: keyring.currentKeyId, rehashed: rehashed.count },
        };
        const hash = entryHash(key, newHead.hash, switchEntry);
        await client.query(
          `INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, action, summary, target_type, before, after, prev_hash, hash, key_id)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            organizationId,
            switchEntry.seq.toString(),
            switchEntry.at,
            switchEntry.actorLabel,
            switchEntry.action,
            switchEntry.summary,
            switchEntry.targetType,
            JSON.stringify(switchEntry.before),
            JSON.stringify(switchEntry.after),
            newHead.hash,
            hash,
            keyring.currentKeyId,
          ],
        );
        reports.push({ chain, ok: true, oldHead: verdict.head, newHead, rehashed: rehashed.count, switchSeq: switchEntry.seq });
      }
      await client.query('ALTER TABLE "audit_entry" FORCE ROW LEVEL SECURITY');
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
    return reports;
  } finally {
    await client.end();
  }
}

/** Re-hashes one chain under the key from its first unkeyed entry to its end, in batches; earlier entries keep their hashes. */
async function rehash(client: pg.Client, organizationId: string | null, keyId: string, key: KeyObject) {
  const chain = organizationId === null ? "organization_id IS NULL AND $1::uuid IS NULL" : "organization_id = $1::uuid";
  const first = await client.query<{ seq: string }>(`SELECT min(seq)::text AS seq FROM audit_entry WHERE ${chain} AND key_id IS NULL`, [organizationId]);
  const from = BigInt(first.rows[0]!.seq);
  const before = await client.query<{ hash: string }>(`SELECT hash FROM audit_entry WHERE ${chain} AND seq = $2`, [organizationId, (from - 1n).toString()]);
  let prevHash = before.rows[0]?.hash ?? GENESIS_HASH;
  let position = { seq: from - 1n, id: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
  const read = chainReader(client, organizationId);
  let count = 0;
  let head: ChainHead = { seq: from - 1n, hash: prevHash };
  for (;;) {
    const rows = await read(position, BATCH);
    if (rows.length === 0) break;
    const ids: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const hash = entryHash(key, prevHash, row);
      ids.push(row.id);
      prevs.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
      head = { seq: row.seq, hash };
    }
    await client.query(
      `UPDATE audit_entry AS a SET prev_hash = v.prev_hash, hash = v.hash, key_id = $4
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, prev_hash, hash) WHERE a.id = v.id`,
      [ids, prevs, hashes, keyId],
    );
    count += rows.length;
    const last = rows[rows.length - 1]!;
    position = { seq: last.seq, id: last.id };
  }
  return { from, count, head };
}
