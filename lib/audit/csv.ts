import { canonicalJson, type HashedFields } from "./canonical";

/**
 * The audit trail as CSV (RFC 4180, CRLF line ends): every field the hash
 * covers, plus prev_hash, hash and the audit key's id, so an auditor can check
 * the links offline and, holding the key, recompute each row's HMAC
 * (docs/AUDIT.md), and last the id of the request or job that wrote the row
 * (not hashed). An empty cell is null; before/after are canonical JSON.
 */
export const AUDIT_CSV_COLUMNS = [
  "seq",
  "at",
  "organization_id",
  "actor_id",
  "actor_label",
  "ip",
  "action",
  "summary",
  "target_type",
  "target_id",
  "before",
  "after",
  "prev_hash",
  "hash",
  "key_id",
  "request_id",
] as const;

export type CsvEntry = HashedFields & { prevHash: string; hash: string; keyId: string | null; requestId: string | null };

/**
 * A cell a spreadsheet would run as a formula (= + - @ tab CR) gets a leading
 * apostrophe; so does one that already starts with an apostrophe, so removing
 * exactly one leading apostrophe always gives back the stored value.
 */
export function csvCell(value: string | null): string {
  if (value === null || value === "") return "";
  const safe = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const auditCsvHeader = () => `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;

export function auditCsvRow(entry: CsvEntry): string {
  const json = (value: unknown) => (value === null || value === undefined ? null : canonicalJson(value));
  return (
    [
      entry.seq.toString(),
      entry.at.toISOString(),
      entry.organizationId,
      entry.actorId,
      entry.actorLabel,
      entry.ip,
      entry.action,
      entry.summary,
      entry.targetType,
      entry.targetId,
      json(entry.before),
      json(entry.after),
      entry.prevHash,
      entry.hash,
      entry.keyId,
      entry.requestId,
    ]
      .map(csvCell)
      .join(",") + "\r\n"
  );
}
