import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import { invalidError } from "../errors";
import { MEMBER_CSV_COLUMNS, MEMBER_CSV_MAX_BYTES, MEMBER_CSV_MAX_ROWS, MEMBER_FIELD_OF_COLUMN, unguardCell, type MemberCsvCells } from "./csv";

/** One data row of an uploaded file: its row number as a spreadsheet shows it (the header is row 1). */
export type CsvRecord = { row: number; fields: MemberCsvCells } | { row: number; cells: number };

export class CsvTooLargeError extends Error {
  constructor() {
    super("The file is larger than 10 MB. Split it into smaller files and import each.");
    this.name = "CsvTooLargeError";
  }
}

const TEMPLATE_HINT = "Download the template to see the columns.";

/**
 * The header must name exactly the template's columns, in any order and any
 * case; the answer names what is missing and what is unknown.
 */
function columnOrder(header: string[]): number[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = MEMBER_CSV_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(MEMBER_CSV_COLUMNS as readonly string[]).includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length || unknown.length || repeated.length) {
    const parts = [
      missing.length ? `missing ${missing.join(", ")}` : "",
      unknown.length ? `unknown ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(", ")}` : "",
      repeated.length ? `repeated ${repeated.join(", ")}` : "",
    ].filter(Boolean);
    throw invalidError(`The first line is not the member header (${parts.join("; ")}). ${TEMPLATE_HINT}`, { file: [`Wrong header: ${parts.join("; ")}`] });
  }
  return MEMBER_CSV_COLUMNS.map((c) => names.indexOf(c));
}

/**
 * Reads a member CSV as it arrives: at most 10 MB (CsvTooLargeError past
 * it, read no further), UTF-8 with or without a byte-order mark, CRLF or LF
 * line ends, through csv-parse. Returns the text (to stage it) and each row's
 * cells by column; a row with the wrong number of cells is kept as such, for
 * the report. A file that is not UTF-8 or not CSV is refused whole.
 */
export async function readMemberCsv(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ text: string; records: CsvRecord[] }> {
  const decoder = new TextDecoder("utf-8", { fatal: true }); // drops a leading BOM
  const texts: string[] = [];
  let bytes = 0;
  async function* decoded() {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      if (bytes > MEMBER_CSV_MAX_BYTES) throw (refused = new CsvTooLargeError());
      const text = decoder.decode(chunk, { stream: true });
      texts.push(text);
      yield text;
    }
    const rest = decoder.decode();
    texts.push(rest);
    yield rest;
  }
  // What refused the file, remembered: the pipeline rejects with its own AbortError in place of a stage's error.
  let refused: Error | null = null;
  const records: CsvRecord[] = [];
  let order: number[] | null = null;
  let row = 0;
  try {
    await pipeline(
      Readable.from(decoded()),
      parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
      async function (parsed: AsyncIterable<string[]>) {
        try {
          for await (const cells of parsed) {
          row += 1;
          if (!order) {
            order = columnOrder(cells);
            continue;
          }
          if (records.length >= MEMBER_CSV_MAX_ROWS) throw invalidError(`The file has more than ${MEMBER_CSV_MAX_ROWS.toLocaleString("en")} members. Split it and import each part.`, { file: ["Too many rows"] });
          if (cells.length !== MEMBER_CSV_COLUMNS.length) {
            records.push({ row, cells: cells.length });
            continue;
          }
          // An empty cell stays "", as an empty form field does: the member schema reads it as "none".
          const fields = {} as Record<string, string>;
          MEMBER_CSV_COLUMNS.forEach((column, i) => (fields[MEMBER_FIELD_OF_COLUMN[column]] = unguardCell(cells[order![i]])));
          records.push({ row, fields: fields as MemberCsvCells });
          }
        } catch (error) {
          throw (refused ??= error as Error);
        }
      },
    );
  } catch (error) {
    if (refused) throw refused;
    if (error instanceof TypeError && (error as { code?: string }).code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      throw invalidError("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload it again.", { file: ["Not UTF-8"] });
    }
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw invalidError(`The file is not valid CSV${line ? ` near line ${line}` : ""} (is a quote left open?).`, { file: ["Not valid CSV"] });
    }
    throw error;
  }
  if (!order) throw invalidError(`The file is empty: the first line must be the member header. ${TEMPLATE_HINT}`, { file: ["Empty file"] });
  if (records.length === 0) throw invalidError("The file has a header but no members.", { file: ["No rows"] });
  return { text: texts.join(""), records };
}
