import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { demoPaymentCredentials } from "../../prisma/demo-payments";

/**
 * Dues for specs that pay them, written as the database owner beside the
 * running app: a plan of its own with open invoices for the club's members,
 * and, afterwards, everything on that plan removed again, so the demo's
 * figures (the district report's) are as the seed left them.
 */
export type SpecInvoices = { organizationId: string; planId: string; invoiceIds: string[] };

export async function createSpecInvoices(db: pg.Client, slug: string, count: number, amountMinor: number): Promise<SpecInvoices> {
  const organizationId = (await db.query<{ id: string }>("SELECT id FROM organization WHERE slug = $1", [slug])).rows[0].id;
  const members = (await db.query<{ id: string }>("SELECT id FROM member WHERE organization_id = $1 AND status = 'ACTIVE' ORDER BY id", [organizationId])).rows.map((m) => m.id);
  const plan = await db.query<{ id: string }>(
    `INSERT INTO dues_plan (id, organization_id, name, amount_minor, currency, period_kind) VALUES (gen_random_uuid(), $1, $2, $3, 'KES', 'MONTHLY') RETURNING id`,
    [organizationId, `Spec plan ${Date.now()}`, amountMinor],
  );
  const planId = plan.rows[0].id;
  // One invoice per member and month of Rotary years far ahead, so no real period is touched.
  const invoices = await db.query<{ id: string }>(
    `INSERT INTO dues_invoice (id, organization_id, member_id, plan_id, period, period_start, due_on, amount_minor, currency, covered_member_ids, status, updated_at)
     SELECT gen_random_uuid(), $1, m.id, $2, format('%s-%s-M%s', 2040 + y, right((2041 + y)::text, 2), mo + 1),
            make_date(2040 + y, 7, 1) + make_interval(months => mo), make_date(2040 + y, 7, 1) + make_interval(months => mo),
            $3, 'KES', ARRAY[m.id], 'OPEN', now()
       FROM generate_series(0, $4::int - 1) AS i
       CROSS JOIN LATERAL (SELECT ($5::uuid[])[i % $6 + 1] AS id, (i / $6) / 12 AS y, (i / $6) % 12 AS mo) AS m
     RETURNING id`,
    [organizationId, planId, amountMinor, count, members, members.length],
  );
  return { organizationId, planId, invoiceIds: invoices.rows.map((r) => r.id) };
}

/** Everything on the spec's plan: its ledger rows, the Stripe events that applied them, its invoices and the plan. */
export async function removeSpecInvoices(db: pg.Client, invoices: SpecInvoices, eventIds: string[]): Promise<void> {
  await db.query("BEGIN");
  try {
    await db.query("DELETE FROM payment WHERE invoice_id IN (SELECT id FROM dues_invoice WHERE plan_id = $1)", [invoices.planId]);
    await db.query("DELETE FROM stripe_event WHERE id = ANY($1::text[])", [eventIds]);
    await db.query("DELETE FROM dues_invoice WHERE plan_id = $1", [invoices.planId]);
    await db.query("DELETE FROM dues_plan WHERE id = $1", [invoices.planId]);
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  }
}

/** A demo club's Stripe webhook signing secret, derived as the seed derived it from the run's AUTH_SECRET. */
export function demoWebhookSecret(slug: string): string {
  const { authSecret } = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "secrets.json"), "utf8")) as { authSecret: string };
  return demoPaymentCredentials(authSecret, slug).stripe.webhookSecret;
}
