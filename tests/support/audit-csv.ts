import type { KeyObject } from "node:crypto";
import { AUDIT_CSV_COLUMNS } from "@/lib/audit/csv";
import { entryHash } from "@/lib/audit/canonical";

/**
 * The auditor's side of the CSV export: read its rows back and recompute each
 * row's hash from its own columns under the audit key it names, as
 * docs/AUDIT.md describes.
 */
export type CsvRow = Record<(typeof AUDIT_CSV_COLUMNS)[number], string | null>;

/** The rows of an export (header checked), empty cells as null, the formula guard (one leading apostrophe) removed. */
export function parseAuditCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trimEnd().split("\r\n");
  if (header !== AUDIT_CSV_COLUMNS.join(",")) throw new Error(`unexpected header: ${header}`);
  return lines.map((line) => {
    const cells = csvFields(line);
    return Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, cells[i] === "" ? null : cells[i].replace(/^'/, "")])) as CsvRow;
  });
}

/** RFC 4180 fields of one line (the export puts no line break inside a field). */
function csvFields(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        value += line.slice(i, quote);
        i = quote + 2;
        if (line[quote + 1] !== '"') break;
        value += '"';
      }
      cells.push(value);
    } else {
      const comma = line.indexOf(",", i);
      const end = comma === -1 ? line.length : comma;
      cells.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return cells;
}

export function recomputeRowHash(row: CsvRow, keys: ReadonlyMap<string, KeyObject>): string {
  const key = keys.get(row.key_id ?? "");
  if (!key) throw new Error(`row #${row.seq}: no audit key "${row.key_id}"`);
  return entryHash(key, row.prev_hash!, {
    organizationId: row.organization_id,
    seq: BigInt(row.seq!),
    at: new Date(row.at!),
    actorId: row.actor_id,
    actorLabel: row.actor_label!,
    ip: row.ip,
    action: row.action!,
    summary: row.summary!,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  });
}
