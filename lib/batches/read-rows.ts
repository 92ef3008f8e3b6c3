import { parse } from "csv-parse/sync";
import { invalidError } from "../errors";
import { BATCH_COLUMNS, batchRowSchema, type BatchRow } from "../schemas/batches";

/**
 * A batch file's text read into verdicts, one per data row: the header must
 * name exactly the template's columns; each row is normalised or gets its
 * reasons (by field, never the values: the report is shown and exported);
 * a second row with a NIN or BVN already seen in the file is a duplicate.
 */
export type RowVerdict = { rowNumber: number; row: BatchRow | null; errors: string | null; inFileDuplicate: boolean };

export const MAX_ROWS = 100_000;

/** A CSV file's text (UTF-8 or Windows-1252, already decoded) read into verdicts. */
export function readBatchRows(text: string): RowVerdict[] {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true });
  } catch {
    throw invalidError("The file is not readable as CSV (check its quotes).");
  }
  return readBatchRecords(records);
}

/** A file's records, header first, read into verdicts: the CSV's and the spreadsheet's rules are one. */
export function readBatchRecords(records: string[][]): RowVerdict[] {
  if (records.length === 0) throw invalidError("The file is empty: download the template and add one row per beneficiary.");
  const header = records[0]!.map((h) => h.trim().toLowerCase());
  if (header.length !== BATCH_COLUMNS.length || header.some((h, i) => h !== BATCH_COLUMNS[i])) {
    throw invalidError(`The header row must be exactly: ${BATCH_COLUMNS.join(",")} (download the template).`);
  }
  if (records.length === 1) throw invalidError("The file has a header but no rows.");
  if (records.length - 1 > MAX_ROWS) throw invalidError(`A batch holds at most ${MAX_ROWS.toLocaleString("en")} rows; split the file.`);

  const seen = new Set<string>();
  return records.slice(1).map((cells, i) => {
    const rowNumber = i + 2; // the file's line, counting the header as line 1
    if (cells.length !== BATCH_COLUMNS.length) {
      return { rowNumber, row: null, errors: `The row has ${cells.length} columns, not ${BATCH_COLUMNS.length}`, inFileDuplicate: false };
    }
    const parsed = batchRowSchema.safeParse(Object.fromEntries(BATCH_COLUMNS.map((c, j) => [c, cells[j] ?? ""])));
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`).join("; ");
      return { rowNumber, row: null, errors, inFileDuplicate: false };
    }
    const keys = [`nin:${parsed.data.nin}`, ...(parsed.data.bvn ? [`bvn:${parsed.data.bvn}`] : [])];
    const inFileDuplicate = keys.some((k) => seen.has(k));
    for (const k of keys) seen.add(k);
    return { rowNumber, row: parsed.data, errors: null, inFileDuplicate };
  });
}
