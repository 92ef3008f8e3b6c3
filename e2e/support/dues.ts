import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import type { RoleName } from "../../lib/authz/capabilities";
import { demoPaymentCredentials } from "../../prisma/demo-payments";
import { PORT } from "./app";
import { connectOwner } from "./database";

/**
 * Invoices for the e2e specs, made through the same services the app uses,
 * on the e2e server's own database: this process takes the server's
 * connection and keys from the run's data dir (E2E_DATA_DIR/secrets.json),
 * so what it writes is encrypted, audited and readable by the server.
 */
type Secrets = {
  authSecret: string;
  ownerPassword: string;
  appDbPassword: string;
  platformDbPassword: string;
  fieldEncryptionKeys: string;
  blindIndexKey: string;
  auditKeys: string;
  auditCheckpointKey: string;
};

function secrets(): Secrets {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as Secrets;
}

let configured = false;
/** Points this process at the e2e server's database and keys, so services called here write as the server would. */
export function serverDatabase(): Secrets {
  const s = secrets();
  if (!configured) {
    Object.assign(process.env, {
      DATABASE_URL: `postgres://postgres:${encodeURIComponent(s.ownerPassword)}@127.0.0.1:${PORT + 10_000}/harambee`,
      AUTH_SECRET: s.authSecret,
      APP_DB_PASSWORD: s.appDbPassword,
      PLATFORM_DB_PASSWORD: s.platformDbPassword,
      FIELD_ENCRYPTION_KEYS: s.fieldEncryptionKeys,
      BLIND_INDEX_KEY: s.blindIndexKey,
      // Entries this process appends are chained under the server's key, so its checkpoint job and audit:verify accept them.
      AUDIT_KEYS: s.auditKeys,
      AUDIT_CHECKPOINT_KEY: s.auditCheckpointKey,
      // Files this process stores (batch uploads) land where the server's worker reads them.
      STORAGE_DIR: path.join(process.env.E2E_DATA_DIR!, "storage"),
      // The run's Daraja stand-in, for the reconcile job's STK queries (playwright.config.ts).
      ...(process.env.E2E_DARAJA_URL ? { DARAJA_BASE_URL: process.env.E2E_DARAJA_URL } : {}),
    });
    configured = true;
  }
  return s;
}

/** A seeded login of the organisation as an actor, e.g. the treasurer of kilimani. */
async function actorOf(slug: string, role: RoleName) {
  const { memberActor } = await import("../../lib/authz/actor");
  const db = await connectOwner();
  try {
    const email = `${role.toLowerCase().replace("_", "-")}@${slug}.test`;
    const { rows } = await db.query<{ organization_id: string; user_id: string }>(
      "SELECT m.organization_id, m.user_id FROM membership m JOIN organization o ON o.id = m.organization_id JOIN app_user u ON u.id = m.user_id WHERE o.slug = $1 AND u.email = $2",
      [slug, email],
    );
    if (!rows[0]) throw new Error(`no ${email}`);
    return memberActor({ organizationId: rows[0].organization_id, userId: rows[0].user_id, email, role, ip: "127.0.0.1" });
  } finally {
    await db.end();
  }
}

/**
 * The member record of member@<slug>.test, linked to that login: the seed's
 * when it links one, otherwise a new member linked here (once).
 */
async function ownMemberOf(slug: string): Promise<string> {
  serverDatabase();
  const { createMember, linkMemberLogin } = await import("../../lib/services/members");
  const member = await actorOf(slug, "MEMBER");
  const db = await connectOwner();
  try {
    const linked = await db.query<{ id: string }>("SELECT id FROM member WHERE organization_id = $1 AND user_id = $2", [member.organizationId, member.userId]);
    if (linked.rows[0]) return linked.rows[0].id;
  } finally {
    await db.end();
  }
  const admin = await actorOf(slug, "ADMIN");
  const created = await createMember(admin, { firstName: "Wanjiru", lastName: "Member" });
  await linkMemberLogin(admin, { memberId: created.id, userId: member.userId });
  return created.id;
}

let serial = 0;

/** An open annual invoice on a new plan, for member@<slug>.test unless another member is named. */
export async function arrangeInvoice(slug: string, options: { amount?: string; currency?: string; memberId?: string } = {}) {
  serverDatabase();
  const { createPlan } = await import("../../lib/services/dues-plans");
  const { issueInvoice } = await import("../../lib/services/dues");
  const treasurer = await actorOf(slug, "TREASURER");
  const memberId = options.memberId ?? (await ownMemberOf(slug));
  const plan = await createPlan(treasurer, {
    name: `E2E ${Date.now().toString(36)}-${++serial}`,
    currency: options.currency ?? "KES",
    amount: options.amount ?? "1500",
    periodKind: "ANNUAL",
  });
  const invoice = await issueInvoice(treasurer, { memberId, planId: plan.id });
  return { organizationId: treasurer.organizationId, invoiceId: invoice.id, memberId };
}

/** Another member of the organisation, with no login: whose invoice nobody but a treasurer may pay. */
export async function arrangeOtherMember(slug: string): Promise<string> {
  serverDatabase();
  const { createMember } = await import("../../lib/services/members");
  return (await createMember(await actorOf(slug, "ADMIN"), { firstName: "Otieno", lastName: `Other ${++serial}` })).id;
}

/** A pay link as a reminder email carries it, signed with the server's secret. */
export async function payLinkFor(invoice: { organizationId: string; invoiceId: string }, options: { ttlSeconds?: number; now?: Date } = {}): Promise<string> {
  const { signPayLink } = await import("../../lib/dues/pay-link");
  return signPayLink(invoice, { secret: serverDatabase().authSecret, ...options });
}

/** One run of the M-Pesa reconcile job, as the worker runs it, a few minutes on (so every pending payment is due for a query). */
export async function reconcileMpesa(): Promise<boolean> {
  serverDatabase();
  const { reconcileMpesaPayments } = await import("../../lib/jobs/mpesa-reconcile");
  await reconcileMpesaPayments({ now: new Date(Date.now() + 5 * 60_000) });
  return true;
}

/** Closes this process's database clients (the specs' afterAll). */
export async function releaseServerDatabase(): Promise<void> {
  if (!configured) return;
  const { disconnectAll } = await import("../../lib/db/clients");
  await disconnectAll();
}

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
  return demoPaymentCredentials(secrets().authSecret, slug).stripe.webhookSecret;
}
