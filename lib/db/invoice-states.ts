import type { CalendarDate } from "../dues/calendar-date";
import type { InvoiceState } from "../dues/invoice-state";
import { Prisma } from "./generated/client";

/**
 * The derived invoice state of lib/dues/invoice-state.ts as SQL, so that a
 * list filters and pages by state in Postgres rather than in memory. The
 * CASE mirrors `invoiceState` rule for rule (first match wins);
 * tests/dues-queries.integration.test.ts holds the two to the same answers.
 *
 * `invoiceRows(organizationId, today)` is a FROM-able subquery: every invoice
 * of the organisation with its plan's name and grace days, the payer's name,
 * `paid_minor` (succeeded payments less succeeded refunds, from the ledger),
 * `balance_minor` (0 when void) and `state`.
 */
export type InvoiceRow = {
  id: string;
  member_id: string;
  first_name: string;
  last_name: string;
  plan_id: string;
  plan_name: string;
  period: string;
  due_on: Date;
  amount_minor: number;
  currency: string;
  paid_minor: number;
  balance_minor: number;
  state: InvoiceState;
};

export function invoiceRows(organizationId: string, today: CalendarDate): Prisma.Sql {
  return Prisma.sql`(
    SELECT i.id, i.member_id, m.first_name, m.last_name, i.plan_id, p.name AS plan_name, i.period, i.due_on,
           i.amount_minor, i.currency, l.paid_minor,
           CASE WHEN i.status = 'VOID' THEN 0 ELSE GREATEST(0, i.amount_minor - l.paid_minor) END AS balance_minor,
           CASE
             WHEN i.status = 'VOID' THEN 'void'
             WHEN i.status = 'DRAFT' THEN 'draft'
             WHEN l.paid_minor >= i.amount_minor THEN 'paid'
             WHEN ${today}::date > i.due_on + p.grace_days THEN 'lapsed'
             WHEN ${today}::date > i.due_on THEN 'overdue'
             WHEN l.paid_minor > 0 THEN 'partially_paid'
             ELSE 'open'
           END AS state
      FROM dues_invoice i
      JOIN dues_plan p ON p.organization_id = i.organization_id AND p.id = i.plan_id
      JOIN member m ON m.organization_id = i.organization_id AND m.id = i.member_id
      CROSS JOIN LATERAL (
        SELECT COALESCE(SUM(CASE WHEN pm.kind = 'PAYMENT' THEN pm.amount_minor ELSE -pm.amount_minor END), 0)::int AS paid_minor
          FROM payment pm
         WHERE pm.organization_id = i.organization_id AND pm.invoice_id = i.id AND pm.status = 'SUCCEEDED'
      ) l
     WHERE i.organization_id = ${organizationId}::uuid
  )`;
}
