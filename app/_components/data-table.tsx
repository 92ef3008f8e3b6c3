import type { ReactNode } from "react";

/** data-* attributes, for tests and scripts to find a row or a figure. */
type DataAttributes = Record<`data-${string}`, string>;

export type Column<T> = {
  header: string;
  cell: (row: T) => ReactNode;
  align?: "right";
  /** Classes of the column's cells beyond the padding, e.g. "whitespace-nowrap". */
  className?: string;
  attributes?: DataAttributes;
};

const padded = (column: { align?: "right" }) => (column.align === "right" ? "px-3 py-2 text-right" : "px-3 py-2");

/** A list page's table: one row per item, a cell per column, and a line of its own when there are no rows. */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowAttributes,
  testId,
  empty,
  className = "mt-6",
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  rowAttributes?: (row: T) => DataAttributes;
  testId: string;
  empty?: string;
  className?: string;
}) {
  return (
    <>
      <table className={`${className} w-full border-collapse bg-white text-sm`} data-testid={testId}>
        <thead>
          <tr className="border-b text-left text-gray-600">
            {columns.map((column, i) => (
              <th key={i} className={padded(column)}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className="border-b align-top last:border-0" {...rowAttributes?.(row)}>
              {columns.map((column, i) => (
                <td key={i} className={`${padded(column)} ${column.className ?? ""}`.trimEnd()} {...column.attributes}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && empty ? <p className="mt-4 text-gray-600">{empty}</p> : null}
    </>
  );
}
