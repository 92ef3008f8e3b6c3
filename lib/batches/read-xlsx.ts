import { readSheet, type CellValue, type SheetData } from "read-excel-file/node";
import { invalidError } from "../errors";

/**
 * An XLSX batch file's first sheet as records of text, header first, for the
 * same rules as a CSV (read-rows.ts). A cell is read as a person typed it:
 * a whole number without exponent or decimals (an 11-digit NIN stored as a
 * number stays 11 digits), a date cell as YYYY-MM-DD; empty rows are skipped.
 */
export async function readXlsxRecords(bytes: Buffer): Promise<string[][]> {
  let rows: SheetData;
  try {
    rows = await readSheet(bytes);
  } catch {
    throw invalidError("The spreadsheet could not be read: save it again as .xlsx, or upload the CSV template.");
  }
  return rows.map((row) => row.map(cellText)).filter((cells) => cells.some((cell) => cell !== ""));
}

function cellText(cell: CellValue | null): string {
  if (cell === null) return "";
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === "number") return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  return String(cell).trim();
}
