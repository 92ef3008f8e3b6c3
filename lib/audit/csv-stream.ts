import { z } from "zod";
import { auditCsvHeader, auditCsvRow, type CsvEntry } from "./csv";
import type { TenantReads } from "../db/tenant-reads";
import { filterMatchesNothing, type AuditFilter } from "../schemas/audit";

const EXPORT_BATCH = 1_000;

/**
 * The audit page's filters (lib/queries/audit.ts) as SQL over $1…, as
 * Prisma writes them there, so the export holds exactly the page's entries:
 * actor by id or by a part of their label, action by prefix, target by id or
 * type (any case), dates as whole UTC days. Like Prisma's contains and
 * startsWith, % and _ in a filter are LIKE wildcards.
 */
function whereOf(filter: AuditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const clauses: string[] = [];
  const { actor, action, target, from, to } = filter;
  if (actor) {
    const byLabel = `actor_label ILIKE ${param(`%${actor}%`)}`;
    clauses.push(z.uuid().safeParse(actor).success ? `(${byLabel} OR actor_id = ${param(actor)}::uuid)` : byLabel);
  }
  if (action) clauses.push(`action LIKE ${param(`${action}%`)}`);
  if (target) clauses.push(`(target_id = ${param(target)} OR target_type ILIKE ${param(target)})`);
  if (from) clauses.push(`at >= ${param(`${from}T00:00:00Z`)}::timestamptz`);
  if (to) clauses.push(`at < ${param(`${to}T00:00:00Z`)}::timestamptz + interval '24 hours'`);
  return { sql: clauses.join(" AND "), params };
}

type Row = Omit<CsvEntry, "seq"> & { seq: string };

/**
 * The filtered trail as CSV text, newest first, one chunk per batch; the
 * header goes out with the first batch, so a trail that cannot be read fails
 * before a byte is sent. Each batch is its own short read-only tenant transaction, read
 * only when the consumer asks for the next chunk, so neither memory nor a
 * transaction grows with the trail (promise M5.3). It runs in the export's
 * child process (lib/audit/csv-export-process.ts), which has no ORM.
 */
export async function* auditCsvChunks(reads: TenantReads, organizationId: string, filter: AuditFilter): AsyncGenerator<string> {
  // As on the page: a text filter no entry can hold matches nothing.
  if (filterMatchesNothing(filter)) return yield auditCsvHeader();
  let header = auditCsvHeader();
  const where = whereOf(filter);
  let before: string | null = null;
  for (;;) {
    const params: unknown[] = [...where.params, EXPORT_BATCH, ...(before ? [before] : [])];
    const clauses: string[] = [where.sql, before ? `seq < $${params.length}::bigint` : ""].filter(Boolean);
    // ORDER BY names the table's column: the output's seq is text and would sort "10" before "9".
    const rows: Row[] = await reads.read(organizationId, async (client) =>
      (
        await client.query<Row>(
          `SELECT seq::text AS seq, at, organization_id AS "organizationId", actor_id AS "actorId", actor_label AS "actorLabel", ip, action, summary,
                  target_type AS "targetType", target_id AS "targetId", before, after, prev_hash AS "prevHash", hash, key_id AS "keyId", request_id AS "requestId"
             FROM audit_entry ${clauses.length ? `WHERE ${clauses.join(" AND ")}` : ""}
            ORDER BY audit_entry.seq DESC
            LIMIT $${where.params.length + 1}`,
          params,
        )
      ).rows,
    );
    if (rows.length > 0) before = rows[rows.length - 1].seq;
    yield header + rows.map((r) => auditCsvRow({ ...r, seq: BigInt(r.seq) })).join("");
    header = "";
    if (rows.length < EXPORT_BATCH) return;
  }
}
