import { z } from "zod";
import { INVOICE_STATES } from "../dues/invoice-state";
import { parsePeriodKey } from "../dues/periods";

/**
 * The invoice list's filters and cursor, read from the query string (page and
 * CSV export alike). A malformed value is dropped rather than refused: the
 * page then shows the list unfiltered, never an error.
 */
export const invoiceFilterInput = z.object({
  state: z.enum(INVOICE_STATES).optional().catch(undefined),
  planId: z.uuid().optional().catch(undefined),
  period: z
    .string()
    .trim()
    .refine((v) => parsePeriodKey(v) !== null)
    .optional()
    .catch(undefined),
});
export type InvoiceFilter = z.infer<typeof invoiceFilterInput>;

/** Keyset cursor of the invoice list (newest due date first): "<due date>_<invoice id>" of the last row shown. */
export const invoiceCursorInput = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}_[0-9a-f-]{36}$/)
  .transform((v) => ({ dueOn: v.slice(0, 10), id: v.slice(11) }))
  .optional()
  .catch(undefined);
export type InvoiceCursor = NonNullable<z.infer<typeof invoiceCursorInput>>;

/** Keyset cursor of the arrears list (oldest debt first): "<oldest due date>_<member id>_<currency>". */
export const arrearsCursorInput = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}_[0-9a-f-]{36}_[A-Z]{3}$/)
  .transform((v) => ({ oldestDueOn: v.slice(0, 10), memberId: v.slice(11, 47), currency: v.slice(48) }))
  .optional()
  .catch(undefined);
export type ArrearsCursor = NonNullable<z.infer<typeof arrearsCursorInput>>;

/** The invoice list's whole query string (lib/schemas/query.ts): filters and cursor. */
export const invoicePageQuery = invoiceFilterInput.extend({ after: invoiceCursorInput });

/** The arrears list's query string: its cursor. */
export const arrearsPageQuery = z.object({ after: arrearsCursorInput });
