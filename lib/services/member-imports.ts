import { z } from "zod";
import type { Actor } from "../authz/actor";
import { can } from "../authz/capabilities";
import { lockKey } from "../db/locks";
import { invalidError, notFoundError } from "../errors";
import { MEMBER_CSV_COLUMNS, MEMBER_CSV_MAX_ROWS, MEMBER_FIELD_OF_COLUMN, type MemberCsvCells } from "../members/csv";
import { findDuplicates, readDuplicates, type ImportRow, type RowIssue } from "../queries/member-imports";
import { readMemberCsv, type CsvRecord } from "../members/csv-read";
import { dropImport, loadImport, stageImport } from "../members/import-staging";
import { memberFields } from "../schemas/members";
import { holdable } from "../schemas/text";
import { defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

/**
 * Members CSV import (promise P2): upload → preview with a per-row report →
 * commit all rows or none. Each row is checked by the member form's own
 * schema; a row whose email, phone, NIN or BVN (by blind index) is already a
 * member's, or repeats an earlier row's, is a duplicate: reported and
 * skipped, never added twice.
 */
const COLUMN_OF_FIELD = Object.fromEntries(Object.entries(MEMBER_FIELD_OF_COLUMN).map(([column, field]) => [field, column])) as Record<string, string>;

/** Rows created per statement inside the one transaction; progress is reported after each. */
const CHUNK = 500;

const rowInput = holdable(memberFields);

/** Each data row through the member form's schema: the rows to import, and every problem by row and column. */
export function checkRows(records: CsvRecord[]): { rows: ImportRow[]; problems: RowIssue[] } {
  const rows: ImportRow[] = [];
  const problems: RowIssue[] = [];
  for (const record of records) {
    if ("cells" in record) {
      problems.push({ row: record.row, field: "row", message: `This row has ${record.cells} cells; the header has ${MEMBER_CSV_COLUMNS.length}` });
      continue;
    }
    const parsed = rowInput.safeParse(record.fields satisfies MemberCsvCells);
    if (parsed.success) rows.push({ ...parsed.data, row: record.row });
    else for (const issue of parsed.error.issues) problems.push({ row: record.row, field: COLUMN_OF_FIELD[String(issue.path[0])] ?? "row", message: issue.message });
  }
  return { rows, problems };
}

const importRow = memberFields.extend({ row: z.int().positive() });
export type ImportProgress = (done: number, total: number) => void;

/**
 * Adds the rows that are not duplicates, all or none, in one transaction
 * with one audit entry of counts (no personal data). Imports into one
 * organisation take turns on a lock, so the duplicate check of the second
 * sees the first's members: two imports of the same people add them once.
 */
export const importMembers = defineMutation({
  action: "member.import",
  capability: "members:write",
  input: z.object({
    rows: z.array(importRow).min(1, "The file has no members").max(MEMBER_CSV_MAX_ROWS),
    /** Called inside the transaction after each chunk: rows written so far, of how many (nothing is visible until the commit). */
    onProgress: z.custom<ImportProgress>((v) => typeof v === "function").optional(),
  }),
  // 20,000 rows (the cap) in one transaction, on a busy machine: minutes at worst, not the usual 30 s.
  timeoutMs: 180_000,
  run: async (tx, { rows, onProgress }, actor) => {
    await lockKey(tx, `member-import:${actor.organizationId}`);
    const duplicates = await findDuplicates(tx, actor, rows);
    const fresh = rows.filter((r) => !duplicates.has(r.row));
    onProgress?.(0, fresh.length);
    for (let start = 0; start < fresh.length; start += CHUNK) {
      const data = fresh.slice(start, start + CHUNK).map(({ firstName, lastName, email, phone, nin, bvn, dateOfBirth, address }) => ({
          ...{ firstName, lastName, email, phone, nin, bvn, dateOfBirth, address },
          organizationId: actor.organizationId,
          createdById: actor.userId,
        }));
      await tx.member.createMany({ data }).catch(raced);
      onProgress?.(Math.min(start + CHUNK, fresh.length), fresh.length);
    }
    return {
      result: { created: fresh.length, duplicates: [...duplicates.values()] },
      audit: { summary: "Members imported from CSV", targetType: "Member", after: { rows: rows.length, created: fresh.length, duplicates: duplicates.size } },
    };
  },
});

// A member added by hand with the same NIN or BVN between the check and the insert: the unique index refuses, all rolls back.
const RACED = "A member with the same NIN or BVN was added while importing; nothing was imported. Upload the file again.";
const raced = onUniqueViolation({ nin_index: ["file", RACED], bvn_index: ["file", RACED] });

export type ImportPreview = {
  importId: string;
  total: number;
  /** Rows that would be added now (the commit checks again). */
  fresh: number;
  /** The first rows as they would be stored, to eyeball the columns. */
  sample: ImportRow[];
  problems: RowIssue[];
  duplicates: RowIssue[];
};

const SAMPLE_ROWS = 10;

/**
 * Reads an uploaded file (streamed, capped), checks every row and finds the
 * duplicates, then stages the file encrypted (lib/members/import-staging.ts)
 * for the commit. Nothing is written to the organisation's tables.
 */
export async function previewMemberImport(
  actor: Actor,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<ImportPreview> {
  const uploader = actor.userId;
  if (!can(actor, "members:write") || !uploader) throw notFoundError();
  const { text, records } = await readMemberCsv(source);
  const { rows, problems } = checkRows(records);
  const duplicates = rows.length ? await readDuplicates(actor, rows) : new Map<number, RowIssue>();
  const importId = await stageImport(actor.organizationId, uploader, text);
  return {
    importId,
    total: records.length,
    fresh: problems.length ? 0 : rows.length - duplicates.size,
    sample: rows.slice(0, SAMPLE_ROWS),
    problems,
    duplicates: [...duplicates.values()],
  };
}

export const commitInput = z.object({ importId: z.uuid("Unknown import") });

export type StagedImport = { importId: string; rows: ImportRow[] };

/**
 * The staged file read and checked again before anything is written: not
 * found (unknown, expired, someone else's), or refused whole while any row
 * has a problem. The route answers these before it starts reporting progress.
 */
export async function checkStagedImport(actor: Actor, raw: unknown): Promise<StagedImport> {
  const uploader = actor.userId;
  if (!can(actor, "members:write") || !uploader) throw notFoundError();
  const parsed = commitInput.safeParse(raw);
  if (!parsed.success) throw notFoundError();
  const { importId } = parsed.data;
  const text = await loadImport(actor.organizationId, uploader, importId);
  const { rows, problems } = checkRows((await readMemberCsv([Buffer.from(text, "utf8")])).records);
  const wrong = new Set(problems.map((p) => p.row)).size;
  if (wrong) {
    throw invalidError(`${wrong} row${wrong === 1 ? " has a problem" : "s have problems"}; nothing was imported. Correct the file and upload it again.`, { file: ["Rows with problems"] });
  }
  return { importId, rows };
}

/** Imports a checked file (all or none), then forgets it. */
export async function commitMemberImport(actor: Actor, staged: StagedImport, onProgress?: ImportProgress) {
  const result = await importMembers(actor, { rows: staged.rows, onProgress });
  await dropImport(actor.organizationId, staged.importId);
  return result;
}
