import { z } from "zod";
import { queryText } from "./text";

/**
 * The audit page's filters, read from the query string (page and CSV export
 * alike, through lib/schemas/query.ts). A malformed date is dropped rather
 * than refused: the page then shows the trail unfiltered by date, never an
 * error. A text filter the database cannot hold matches nothing (null).
 */
const text = queryText(200);
const day = z.iso.date().optional().catch(undefined);

export const auditFilterInput = z.object({
  actor: text,
  action: text,
  target: text,
  from: day,
  to: day,
});
export type AuditFilter = z.infer<typeof auditFilterInput>;

/** Keyset cursor: entries older than this seq. */
export const auditCursorInput = z.coerce.bigint().positive().optional().catch(undefined);

/** The audit page's whole query: filters, cursor, and whether to verify the chain. */
export const auditPageQuery = auditFilterInput.extend({ before: auditCursorInput, verify: z.literal("1").optional().catch(undefined) });

/** Whether a filter names text no entry can hold: the answer is then "no entries". */
export const filterMatchesNothing = (filter: AuditFilter) => filter.actor === null || filter.action === null || filter.target === null;

