import { z } from "zod";

/**
 * The audit page's filters, read from the query string (page and CSV export
 * alike). A malformed filter is dropped rather than refused: the page then
 * shows the unfiltered trail, never an error.
 */
const text = z.string().trim().min(1).max(200).optional().catch(undefined);
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

