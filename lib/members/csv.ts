import { csvCell } from "../audit/csv";
import { UPLOAD_LIMIT_BYTES } from "../uploads/capped-body";

/**
 * The member register as CSV, one format for the template, the export and
 * the import, so an export imports back unchanged: a header naming the
 * member form's fields, RFC 4180 cells, CRLF line ends. Cells go through the
 * audit export's formula guard (`csvCell`); the import removes that guard's
 * one apostrophe again (`unguardCell`).
 */
export const MEMBER_CSV_COLUMNS = ["first_name", "last_name", "email", "phone", "nin", "bvn", "date_of_birth", "address"] as const;
export type MemberCsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];

/** The member form's field each column fills (lib/schemas/members.ts memberFields). */
export const MEMBER_FIELD_OF_COLUMN = {
  first_name: "firstName",
  last_name: "lastName",
  email: "email",
  phone: "phone",
  nin: "nin",
  bvn: "bvn",
  date_of_birth: "dateOfBirth",
  address: "address",
} as const satisfies Record<MemberCsvColumn, string>;

export type MemberCsvFields = { [C in MemberCsvColumn as (typeof MEMBER_FIELD_OF_COLUMN)[C]]: string | null };
/** A row as read: every cell text, an empty one "" (as an empty form field). */
export type MemberCsvCells = { [K in keyof MemberCsvFields]: string };

/** 10 MB, every upload's cap: the largest file the import reads; past it, nothing is kept. */
export const MEMBER_CSV_MAX_BYTES = UPLOAD_LIMIT_BYTES;
/** Rows in one import: one transaction holds them all (all or none), so it is bounded; a larger register is split. */
export const MEMBER_CSV_MAX_ROWS = 20_000;

export const memberCsvHeader = () => `${MEMBER_CSV_COLUMNS.join(",")}\r\n`;

export function memberCsvRow(member: MemberCsvFields): string {
  return MEMBER_CSV_COLUMNS.map((column) => csvCell(member[MEMBER_FIELD_OF_COLUMN[column]])).join(",") + "\r\n";
}

/**
 * The value a cell stands for: the export's guard (one apostrophe before
 * = + - @ tab CR or an apostrophe) removed, as a spreadsheet shows it.
 */
export function unguardCell(cell: string): string {
  return /^'[=+\-@\t\r']/.test(cell) ? cell.slice(1) : cell;
}
